# SPDX-License-Identifier: GPL-2.0
#
# List the public names a uapi header declares, one per line:
#   guard NAME          the include guard macro
#   name NAME           any other macro, or an enumerator
#   enum TAG            a named enum
#   struct TAG          a struct
#   field TAG MEMBER    a struct member
#   other TEXT          a declaration this script does not understand
#
# It is a small text scanner for the plain style of uapi headers (no
# nested braces, no unions or typedefs), not a C parser; "other" makes
# abi_names.sh fail rather than silently miss something.

{
	# keep the lines, joining backslash continuations
	if (sub(/\\$/, "")) {
		pending = pending $0 " "
		next
	}
	text = text pending $0 "\n"
	pending = ""
}

function trim(s) {
	gsub(/^[ \t\n]+|[ \t\n]+$/, "", s)
	return s
}

function first_ident(s) {
	if (match(s, /[A-Za-z_][A-Za-z_0-9]*/))
		return substr(s, RSTART, RLENGTH)
	return ""
}

function last_ident(s) {
	if (match(s, /[A-Za-z_][A-Za-z_0-9]*[ \t\n]*$/))
		return trim(substr(s, RSTART, RLENGTH))
	return ""
}

function members(tag, body,    n, decl, d, i, j, k, parts, a, b, name) {
	n = split(body, decl, ";")
	for (i = 1; i <= n; i++) {
		d = trim(decl[i])
		if (d == "")
			continue
		# drop array bounds, whatever expression they hold
		a = index(d, "[")
		if (a) {
			b = length(d)
			while (b > a && substr(d, b, 1) != "]")
				b--
			d = substr(d, 1, a - 1) substr(d, b + 1)
		}
		k = split(d, parts, ",")
		for (j = 1; j <= k; j++) {
			name = last_ident(parts[j])
			if (name != "")
				print "field " tag " " name
		}
	}
}

function enumerators(body,    n, item, i, name) {
	n = split(body, item, ",")
	for (i = 1; i <= n; i++) {
		name = first_ident(item[i])
		if (name != "")
			print "name " name
	}
}

END {
	text = text pending
	# comments go first, both styles
	gsub(/\/\*([^*]|\*+[^*\/])*\*+\//, " ", text)
	gsub(/\/\/[^\n]*/, " ", text)

	n = split(text, line, "\n")
	code = ""
	guard = ""
	for (i = 1; i <= n; i++) {
		l = line[i]
		if (l !~ /^[ \t]*#/) {
			code = code " " l
			continue
		}
		sub(/^[ \t]*#[ \t]*/, "", l)
		if (l ~ /^ifndef[ \t]/ && guard == "" && !seen_define) {
			guard = first_ident(substr(l, 7))
		} else if (l ~ /^define[ \t]/) {
			name = first_ident(substr(l, 7))
			if (name == guard && !seen_define)
				print "guard " name
			else
				print "name " name
			seen_define = 1
		}
		# #include, #endif and conditionals declare nothing
	}

	while (match(code, /(struct|enum)[ \t]+[A-Za-z_0-9]*[ \t]*\{[^}]*\}[^;]*;/)) {
		before = trim(substr(code, 1, RSTART - 1))
		if (before != "")
			print "other " before
		decl = substr(code, RSTART, RLENGTH)
		code = substr(code, RSTART + RLENGTH)

		open = index(decl, "{")
		head = substr(decl, 1, open - 1)
		body = substr(decl, open + 1)
		body = substr(body, 1, index(body, "}") - 1)
		kind = first_ident(head)
		tag = last_ident(head)
		if (tag == kind)
			tag = ""
		if (kind == "struct") {
			print "struct " tag
			members(tag, body)
		} else {
			if (tag != "")
				print "enum " tag
			enumerators(body)
		}
	}
	code = trim(code)
	if (code != "")
		print "other " code
}
