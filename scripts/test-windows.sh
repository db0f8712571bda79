#!/bin/sh
# test-windows.sh SETUP.exe LINUX-MIZAN [SCREENSHOT.png] — tries Mizan's Windows installer under
# Wine, headless, in a throwaway Wine prefix whose user name has a space and Arabic letters:
#   1. setup.exe /S installs silently: the program, its uninstaller, the Start menu and desktop
#      shortcuts and its entry in Settings › Apps;
#   2. the installed mizan.exe answers --version;
#   3. runs demo --sync to completion on fresh books, then again with nothing new, writing its
#      books and log under %LocalAppData%;
#   4. connects to a Shopify test store served on loopback by the Linux build (mizan demo-store):
#      connections add stores the token in Wine's credential store, never in the books; sync
#      imports the store; connections test and a second sync, each a fresh process, read the
#      token back;
#   5. opens the window on the demo, and the screen is photographed (SCREENSHOT.png, else a file in
#      the prefix that is deleted);
#   6. uninstall.exe /S removes the program, its shortcuts and its entry, and leaves the books.
# Run it in an X server (make test-windows runs it under xvfb-run). Every check says what it
# saw when it fails, and the script exits non-zero at the first one.
set -eu

setup=$1
linux_mizan=$2
shot=${3:-}
case $setup in /*) ;; *) setup=$PWD/$setup ;; esac
case $linux_mizan in /*) ;; *) linux_mizan=$PWD/$linux_mizan ;; esac
[ -n "${DISPLAY:-}" ] || { echo "test-windows: no X display (run it under xvfb-run)"; exit 1; }

tmp=$(mktemp -d)
export WINEPREFIX="$tmp/prefix" WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko: Mizan needs neither, and Wine would offer to download them.
export WINEDLLOVERRIDES="mscoree,mshtml="
# The Windows account: a user name with a space and Arabic letters, so every path Mizan uses has both.
export USER="تاجر ميزان" LOGNAME="تاجر ميزان" HOME="$tmp/home" LANG=C.UTF-8 LC_ALL=C.UTF-8
export XDG_CONFIG_HOME="$tmp/home/.config" XDG_DATA_HOME="$tmp/home/.local/share" XDG_STATE_HOME="$tmp/home/.local/state"
export XDG_CACHE_HOME="$tmp/home/.cache"
mkdir -p "$HOME"

store_pid=""
cleanup() {
	[ -z "$store_pid" ] || kill "$store_pid" 2>/dev/null || true
	wineserver -k 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
ok() { passed=$((passed + 1)); echo "test-windows: ok   $*"; }
fail() {
	echo "test-windows: FAIL $1"
	shift
	for f in "$@"; do [ -f "$f" ] && sed 's/^/    /' "$f"; done
	echo "windows: $passed passed, 1 failed"
	exit 1
}
# winrun OUT CMD... runs a Windows program to its end, its output (both streams) in OUT.
winrun() {
	out=$1
	shift
	rc=0
	wine "$@" >"$out" 2>&1 </dev/null || rc=$?
	return $rc
}
echo "test-windows: a new Wine prefix ($(wine --version))"
wineboot -i >"$tmp/boot.out" 2>&1 || fail "wineboot could not make the prefix" "$tmp/boot.out"
wineserver -w
# Wine 8.0 (Debian 12) has no bcryptprimitives.dll, whose ProcessPrng the Go runtime calls at start
# on Windows 10 and later: the prefix gets a small one (scripts/wine-bcryptprimitives.c).
sys32="$WINEPREFIX/drive_c/windows/system32"
if [ ! -e "$sys32/bcryptprimitives.dll" ]; then
	x86_64-w64-mingw32-gcc -shared -O2 -s -o "$sys32/bcryptprimitives.dll" "$(dirname "$0")/wine-bcryptprimitives.c" \
		-ladvapi32 || fail "could not build bcryptprimitives.dll for this Wine"
	echo "test-windows: this Wine lacks bcryptprimitives.dll: the prefix has one built from scripts/wine-bcryptprimitives.c"
fi
# The user's folders, as Wine lays them out (cmd's echo would print them in the console's code page).
profile="$WINEPREFIX/drive_c/users/$USER"
local="$profile/AppData/Local"
local_win="C:\\users\\$USER\\AppData\\Local"
[ -d "$local" ] || fail "the prefix has no $local_win"

# 1. A silent install, for this user only.
winrun "$tmp/setup.out" "$setup" /S || fail "setup.exe /S exited $?" "$tmp/setup.out"
wineserver -w
prog="$local/Programs/Mizan"
exe="$prog/mizan.exe"
[ -f "$exe" ] && [ -f "$prog/uninstall.exe" ] || fail "setup.exe /S left no mizan.exe and uninstall.exe in $local_win\\Programs\\Mizan"
menu="$profile/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Mizan.lnk"
desktop="$profile/Desktop/Mizan.lnk"
[ -f "$menu" ] || fail "no Start menu shortcut (Mizan.lnk in the user's Start Menu\\Programs)"
[ -f "$desktop" ] || fail "no desktop shortcut (the installer's default)"
key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Mizan'
winrun "$tmp/reg.out" reg query "$key" || fail "no entry in Settings › Apps ($key)" "$tmp/reg.out"
grep -q 'UninstallString.*uninstall\.exe' "$tmp/reg.out" && grep -q 'DisplayVersion' "$tmp/reg.out" ||
	fail "the Apps entry lacks its uninstaller or version" "$tmp/reg.out"
ok "setup.exe /S installed $local_win\\Programs\\Mizan\\mizan.exe ($(du -h "$exe" | cut -f1)), the Start menu and desktop shortcuts and the Apps entry"

# 2. The installed program answers.
winrun "$tmp/version.out" "$exe" --version || fail "mizan.exe --version exited $?" "$tmp/version.out"
grep -q '^mizan ' "$tmp/version.out" || fail "mizan.exe --version printed no version" "$tmp/version.out"
ok "mizan.exe --version: $(head -n 1 "$tmp/version.out" | tr -d '\r')"

# 3. The demo, synced to the end on fresh books, then again with nothing new.
winrun "$tmp/demo1.out" "$exe" demo --sync || fail "mizan.exe demo --sync exited $?" "$tmp/demo1.out"
grep -q '^Synced in .*(run 1, ' "$tmp/demo1.out" && grep -q 'errors: *0 ' "$tmp/demo1.out" ||
	fail "the demo's first sync did not finish cleanly" "$tmp/demo1.out"
winrun "$tmp/demo2.out" "$exe" demo --sync || fail "the second mizan.exe demo --sync exited $?" "$tmp/demo2.out"
grep -q 'nothing new' "$tmp/demo2.out" || fail "the demo's second sync found something new" "$tmp/demo2.out"
[ -s "$local/Mizan-demo/mizan.db" ] || fail "no demo books at $local_win\\Mizan-demo\\mizan.db"
[ -s "$local/Mizan/Logs/mizan.log" ] || fail "no log at $local_win\\Mizan\\Logs\\mizan.log"
ok "demo --sync: $(grep '^Synced in' "$tmp/demo1.out" | tr -d '\r'); again: $(grep '^Synced in' "$tmp/demo2.out" | tr -d '\r')"
ok "the demo's books are in %LocalAppData%\\Mizan-demo, the log in %LocalAppData%\\Mizan\\Logs"

# 4. A store on loopback, served by the Linux build; its token goes through Wine's credential store.
"$linux_mizan" --data "$tmp/store-books" demo-store --addr 127.0.0.1:0 >"$tmp/store.out" 2>&1 &
store_pid=$!
for _ in $(seq 100); do grep -q '^Access token: ' "$tmp/store.out" && break; sleep 0.1; done
url=$(sed -n 's/^Demo Shopify store: \(http[^ ]*\) .*/\1/p' "$tmp/store.out")
token=$(sed -n 's/^Access token: \([^ ]*\) .*/\1/p' "$tmp/store.out")
[ -n "$url" ] && [ -n "$token" ] || fail "the test store did not start" "$tmp/store.out"
name="متجر الاختبار"
printf '{"access_token": "%s"}' "$token" | wine "$exe" connections add --platform shopify --name "$name" --store "$url" \
	>"$tmp/add.out" 2>&1 || fail "mizan.exe connections add exited $?" "$tmp/add.out"
grep -q "^Connected " "$tmp/add.out" || fail "connections add did not connect" "$tmp/add.out"
winrun "$tmp/sync1.out" "$exe" sync --quiet || fail "mizan.exe sync exited $?" "$tmp/sync1.out"
grep -q "^$name: .*(run 1, ok" "$tmp/sync1.out" && grep -q '0 errors' "$tmp/sync1.out" ||
	fail "the store's sync did not finish cleanly" "$tmp/sync1.out"
ok "connections add + sync against $url: $(grep "^$name" "$tmp/sync1.out" | tr -d '\r')"
winrun "$tmp/test.out" "$exe" connections test "$name" || fail "mizan.exe connections test exited $?" "$tmp/test.out"
grep -q "^$name answered: " "$tmp/test.out" || fail "connections test did not reach the store" "$tmp/test.out"
winrun "$tmp/sync2.out" "$exe" sync --quiet || fail "the second mizan.exe sync exited $?" "$tmp/sync2.out"
grep -q "^$name: nothing new" "$tmp/sync2.out" || fail "the second sync found something new" "$tmp/sync2.out"
ok "a fresh process read the token back: $(head -n 1 "$tmp/test.out" | tr -d '\r'); the second sync: nothing new"
books="$local/Mizan/mizan.db"
[ -s "$books" ] || fail "no books at $local_win\\Mizan\\mizan.db"
if grep -q -a -F "$token" "$books" "$books-wal" "$local/Mizan/Logs/mizan.log" 2>/dev/null; then
	fail "the store's token is in the books or the log"
fi
grep -q -a 'Credential Manager' "$WINEPREFIX/user.reg" || fail "Wine's credential store holds nothing"
ok "the token is in Wine's credential store, not in the books or the log"

# 5. The window, on the demo.
wine "$exe" --demo >"$tmp/window.out" 2>&1 &
window_pid=$!
seen=""
for _ in $(seq 60); do
	sleep 1
	kill -0 "$window_pid" 2>/dev/null || fail "the window closed by itself" "$tmp/window.out"
	if xwininfo -root -tree 2>/dev/null | grep -q '"Mizan — '; then seen=1; break; fi
done
[ -n "$seen" ] || fail "no window titled Mizan opened within a minute" "$tmp/window.out"
sleep 8 # its screens fill in and the demo's first sync starts
[ -n "$shot" ] || shot="$tmp/window.png"
import -window root "$shot" || fail "could not take a screenshot"
spread=$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)
awk -v s="$spread" 'BEGIN { exit !(s > 0.05) }' || fail "the screenshot is blank (standard deviation $spread)"
ok "the window opened on the demo: $(xwininfo -root -tree | grep -o '"Mizan — [^"]*"' | head -n 1), screenshot $shot"
wineserver -k
wait "$window_pid" 2>/dev/null || true
wineserver -w

# 6. Uninstalled silently: the program goes, the books stay.
winrun "$tmp/uninstall.out" "$prog/uninstall.exe" /S || fail "uninstall.exe /S exited $?" "$tmp/uninstall.out"
wineserver -w # the uninstaller runs from a copy of itself
[ ! -e "$exe" ] && [ ! -e "$prog/uninstall.exe" ] || fail "uninstall.exe /S left the program in place"
[ ! -e "$menu" ] && [ ! -e "$desktop" ] || fail "uninstall.exe /S left a shortcut"
if wine reg query "$key" >/dev/null 2>&1; then fail "uninstall.exe /S left the Apps entry"; fi
[ -s "$books" ] && [ -s "$local/Mizan-demo/mizan.db" ] && [ -s "$local/Mizan/Logs/mizan.log" ] ||
	fail "uninstall.exe /S removed the books or the log"
ok "uninstall.exe /S removed the program, its shortcuts and the Apps entry, and left the books and the log"

echo "windows: $passed passed, 0 failed"
