#!/bin/sh
# kvmi of the portable Linux package: runs runtime/deno with lib/main.js (kvmi's bundled code) and
# passes every argument through unchanged ("$@"), with standard input, output and error inherited
# and the exit code passed through. Follows symbolic links (a PATH entry pointing at the install)
# with shell built-ins and readlink only (found even when PATH is minimal).
readlink=readlink
command -v readlink >/dev/null 2>&1 || for r in /usr/bin/readlink /bin/readlink; do [ -x "$r" ] && readlink=$r && break; done
self=$0
while [ -L "$self" ]; do
  link=$("$readlink" "$self")
  case $link in
    /*) self=$link ;;
    *) self=${self%/*}/$link ;;
  esac
done
case $self in
  */*) home=${self%/*} ;;
  *) home=. ;;
esac
if [ ! -x "$home/runtime/deno" ] || [ ! -f "$home/lib/main.js" ]; then
  echo "kvmi: error: this kvmi installation is incomplete: $home/runtime/deno or $home/lib/main.js is missing." >&2
  echo "kvmi: hint: Reinstall kvmi with Install-KvMi.ps1 from the release zip." >&2
  exit 1
fi
DENO_NO_UPDATE_CHECK=1
export DENO_NO_UPDATE_CHECK
exec "$home/runtime/deno" run --allow-all --no-config --no-lock --no-prompt --quiet "$home/lib/main.js" "$@"
