#!/bin/sh
# ensure-pkgs.sh PACKAGE... — make sure the system packages Mizan's build needs are installed.
# PACKAGEs are Debian/Ubuntu names. On Debian and Ubuntu the missing ones are installed with
# apt-get (through sudo when not root). Elsewhere nothing is installed: what each package
# provides is looked for (a command, or a pkg-config module), and the command that installs what
# is missing is printed with this system's package names (dnf, pacman or zypper; on macOS, the
# Xcode command line tools).
set -u

if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && exit 0
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	echo "Installing:$missing"
	$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
	exit
fi

if [ "$(uname -s)" = Darwin ]; then
	# The window needs only Apple's C compiler and SDK; the test-only packages are Linux's.
	xcode-select -p >/dev/null 2>&1 && exit 0
	echo "Mizan needs Apple's command line tools (C compiler and SDK). Install them with:"
	echo "  xcode-select --install"
	exit 1
fi

has_cmd() { command -v "$1" >/dev/null 2>&1; }
has_pc() { has_cmd pkg-config && pkg-config --exists "$1"; }

missing=""
for p in "$@"; do
	case $p in
	gcc) has_cmd gcc || has_cmd cc ;;
	libc6-dev) true ;; # the C library's headers come with the compiler elsewhere
	pkg-config) has_cmd pkg-config ;;
	libgl1-mesa-dev) has_pc gl ;;
	libx11-dev) has_pc x11 ;;
	libxrandr-dev) has_pc xrandr ;;
	libxxf86vm-dev) has_pc xxf86vm ;;
	libxi-dev) has_pc xi ;;
	libxcursor-dev) has_pc xcursor ;;
	libxinerama-dev) has_pc xinerama ;;
	libwayland-dev) has_pc wayland-client ;;
	libxkbcommon-dev) has_pc xkbcommon ;;
	dbus) has_cmd dbus-run-session ;;
	gnome-keyring) has_cmd gnome-keyring-daemon ;;
	poppler-utils) has_cmd pdftoppm && has_cmd pdftotext && has_cmd pdfinfo ;;
	xvfb) has_cmd xvfb-run ;;
	xauth) has_cmd xauth ;;
	imagemagick) has_cmd import ;;
	*) false ;;
	esac || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

# name MANAGER DEBIAN-NAME prints the package's name under another package manager.
name() {
	case "$1:$2" in
	*:gcc) echo gcc ;;
	dnf:libc6-dev | zypper:libc6-dev) echo glibc-devel ;;
	pacman:libc6-dev) echo glibc ;;
	dnf:pkg-config) echo pkgconf-pkg-config ;;
	pacman:pkg-config) echo pkgconf ;;
	zypper:pkg-config) echo pkg-config ;;
	dnf:libgl1-mesa-dev) echo mesa-libGL-devel ;;
	pacman:libgl1-mesa-dev) echo mesa ;;
	zypper:libgl1-mesa-dev) echo Mesa-libGL-devel ;;
	pacman:libwayland-dev) echo wayland ;;
	pacman:lib*-dev) echo "$2" | sed 's/-dev$//' ;;
	*:libx11-dev) echo libX11-devel ;;
	*:libxrandr-dev) echo libXrandr-devel ;;
	*:libxxf86vm-dev) echo libXxf86vm-devel ;;
	*:libxi-dev) echo libXi-devel ;;
	*:libxcursor-dev) echo libXcursor-devel ;;
	*:libxinerama-dev) echo libXinerama-devel ;;
	*:libwayland-dev) echo wayland-devel ;;
	*:libxkbcommon-dev) echo libxkbcommon-devel ;;
	zypper:dbus) echo dbus-1 ;;
	*:dbus) echo dbus ;;
	*:gnome-keyring) echo gnome-keyring ;;
	pacman:poppler-utils) echo poppler ;;
	zypper:poppler-utils) echo poppler-tools ;;
	dnf:xvfb) echo xorg-x11-server-Xvfb ;;
	pacman:xvfb) echo xorg-server-xvfb ;;
	zypper:xvfb) echo xvfb-run ;;
	dnf:xauth) echo xorg-x11-xauth ;;
	pacman:xauth) echo xorg-xauth ;;
	zypper:xauth) echo xauth ;;
	pacman:imagemagick) echo imagemagick ;;
	*:imagemagick) echo ImageMagick ;;
	*) echo "$2" ;;
	esac
}

for m in dnf pacman zypper; do
	has_cmd $m || continue
	list=""
	for p in $missing; do list="$list $(name $m "$p")"; done
	case $m in
	dnf) cmd="sudo dnf install$list" ;;
	pacman) cmd="sudo pacman -S --needed$list" ;;
	zypper) cmd="sudo zypper install$list" ;;
	esac
	echo "Mizan needs packages this system lacks. Install them with:"
	echo "  $cmd"
	exit 1
done
echo "Mizan needs these packages (Debian/Ubuntu names; install your system's equivalents):$missing"
exit 1
