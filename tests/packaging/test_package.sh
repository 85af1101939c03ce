#!/usr/bin/env bash
# The Debian package: it builds with CPack from this build tree, holds every file a desktop
# expects at its path, passes the desktop-file and AppStream validators, declares dependencies
# computed from the binary, and its binary runs.
# Usage: test_package.sh BUILD_DIR VERSION
set -uo pipefail
build=$1
version=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() { # description, command...
    local what=$1
    shift
    if "$@" >"$work/out" 2>&1; then
        passed=$((passed + 1))
        echo "PASS   : $what"
    else
        failed=$((failed + 1))
        echo "FAIL!  : $what"
        sed 's/^/    /' "$work/out"
    fi
}

check "cpack builds the .deb" cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/out-deb"
deb=$(ls "$work"/out-deb/*.deb 2>/dev/null | head -1)
if [ -z "$deb" ]; then
    echo "0 passed, 1 failed"
    exit 1
fi
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/listing"
app=io.github.sockscope.Sockscope
for path in /usr/bin/sockscope \
    /usr/share/applications/$app.desktop \
    /usr/share/metainfo/$app.metainfo.xml \
    /usr/share/icons/hicolor/scalable/apps/$app.svg \
    /usr/share/icons/hicolor/16x16/apps/$app.png \
    /usr/share/icons/hicolor/32x32/apps/$app.png \
    /usr/share/icons/hicolor/48x48/apps/$app.png \
    /usr/share/icons/hicolor/128x128/apps/$app.png \
    /usr/share/icons/hicolor/256x256/apps/$app.png \
    /usr/share/man/man1/sockscope.1 \
    /usr/share/bash-completion/completions/sockscope; do
    check "the package holds $path" grep -qx "$path" "$work/listing"
done

dpkg-deb -x "$deb" "$work/root"
check "desktop-file-validate accepts the desktop file" desktop-file-validate "$work/root/usr/share/applications/$app.desktop"
check "appstreamcli validates the metainfo" appstreamcli validate --no-net "$work/root/usr/share/metainfo/$app.metainfo.xml"
check "the package version is the project version ($version)" test "$(dpkg-deb -f "$deb" Version)" = "$version"
check "the unpacked binary prints that version" grep -q "sockscope $version" <("$work/root/usr/bin/sockscope" --version)
check "dependencies come from the binary (Qt WebSockets among them)" grep -q libqt6websockets6 <(dpkg-deb -f "$deb" Depends)
check "the Qt platform plugins the window needs are a dependency too" grep -q qt6-qpa-plugins <(dpkg-deb -f "$deb" Depends)
check "the package has a section and a maintainer" test -n "$(dpkg-deb -f "$deb" Section)" -a -n "$(dpkg-deb -f "$deb" Maintainer)"
check "the man page renders" man -l "$work/root/usr/share/man/man1/sockscope.1"
check "the bash completion loads" bash -c "source /usr/share/bash-completion/bash_completion 2>/dev/null; source '$work/root/usr/share/bash-completion/completions/sockscope' && complete -p sockscope"

# The man page covers every subcommand and every option their --help lists.
MANWIDTH=200 man -l "$work/root/usr/share/man/man1/sockscope.1" 2>/dev/null | col -b >"$work/man.txt"
for command in connect record replay serve convert show; do
    check "the man page documents '$command'" grep -q "^ *$command" "$work/man.txt"
    for option in $("$work/root/usr/bin/sockscope" "$command" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
        check "the man page documents $command $option" grep -q -- "$option" "$work/man.txt"
    done
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
