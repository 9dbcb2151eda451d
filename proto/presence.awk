# presence.awk: the fields callsheet.proto marks "always", as C table rows
# {"Message", "field"}, for the daemon to check requests against.
/^message [A-Za-z0-9_]+ *\{/ { msg = $2; next }
/^\}/ { msg = ""; next }
msg != "" && /\/\/ always/ {
	for (i = 1; i <= NF; i++)
		if ($i == "=") {
			printf "{\"%s\", \"%s\"},\n", msg, $(i - 1)
			break
		}
}
