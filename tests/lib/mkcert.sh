#!/usr/bin/env bash
# tests/lib/mkcert.sh: throwaway TLS material for the tests (EC P-256,
# valid two days), made with the openssl command.
#
#   mkcert.sh ca DIR NAME                  DIR/NAME.pem, DIR/NAME.key: a CA
#   mkcert.sh server DIR CA NAME SAN       DIR/NAME.pem, DIR/NAME.key: a
#                                          server certificate signed by
#                                          DIR/CA.{pem,key}; SAN as openssl
#                                          says it ("IP:127.0.0.1,DNS:x")
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
*)
	echo "usage: mkcert.sh ca DIR NAME | server DIR CA NAME SAN" >&2
	exit 2
	;;
esac
