#!/usr/bin/env bash
# tests/lib/mkcert.sh: throwaway TLS material for the tests (EC P-256,
# valid two days), made with the openssl command.
#
#   mkcert.sh ca DIR NAME                  DIR/NAME.pem, DIR/NAME.key: a CA
#   mkcert.sh server DIR CA NAME SAN       DIR/NAME.pem, DIR/NAME.key: a
#                                          server certificate signed by
#                                          DIR/CA.{pem,key}; SAN as openssl
#                                          says it ("IP:127.0.0.1,DNS:x")
#   mkcert.sh dated DIR NAME FROM UNTIL    DIR/NAME.pem, DIR/NAME.key: a
#                                          self-signed certificate valid
#                                          from FROM until UNTIL
#                                          (YYYYMMDDHHMMSSZ): an expired
#                                          or a not-yet-valid one
set -euo pipefail

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; chmod 600 "$1"; }

case ${1:-} in
ca)
	dir=$2 name=$3
	newkey "$dir/$name.key"
	openssl req -x509 -new -key "$dir/$name.key" -out "$dir/$name.pem" \
		-days 2 -subj "/CN=$name" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign
	;;
server)
	dir=$2 ca=$3 name=$4 san=$5
	newkey "$dir/$name.key"
	openssl req -new -key "$dir/$name.key" -out "$dir/$name.csr" -subj "/CN=$name"
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n' \
		"$san" >"$dir/$name.ext"
	openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.pem" \
		-CAkey "$dir/$ca.key" -CAcreateserial -out "$dir/$name.pem" \
		-days 2 -extfile "$dir/$name.ext" 2>/dev/null
	rm -f "$dir/$name.csr" "$dir/$name.ext"
	;;
dated)
	# openssl req -x509 only counts days from now: openssl ca sets dates
	dir=$2 name=$3 from=$4 until=$5
	ca=$(mktemp -d)
	newkey "$dir/$name.key"
	touch "$ca/index.txt"
	echo 01 >"$ca/serial"
	printf '[ca]\ndefault_ca = d\n[d]\ndatabase = %s/index.txt\nserial = %s/serial\nnew_certs_dir = %s\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n' \
		"$ca" "$ca" "$ca" >"$ca/ca.cnf"
	openssl req -new -key "$dir/$name.key" -out "$ca/req.csr" -subj "/CN=$name"
	openssl ca -batch -config "$ca/ca.cnf" -selfsign -keyfile "$dir/$name.key" \
		-in "$ca/req.csr" -startdate "$from" -enddate "$until" \
		-out "$dir/$name.pem" 2>/dev/null
	rm -rf -- "$ca"
	;;
*)
	echo "usage: mkcert.sh ca DIR NAME | server DIR CA NAME SAN | dated DIR NAME FROM UNTIL" >&2
	exit 2
	;;
esac
