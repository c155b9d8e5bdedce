#!/usr/bin/env bash
# Install test of a release snapshot: what a user gets from the packages and
# archives that `goreleaser release --snapshot --clean` wrote into DIST.
#   1. checksums.txt lists every archive and package and matches them
#      (sha256sum -c, as the README tells users to check)
#   2. the linux amd64 archive holds the binary, README, LICENSE, man pages
#      and completions
#   3. the amd64 .deb, extracted with dpkg-deb -x into a temporary root (no
#      root rights needed), has its metadata and every file in its Debian place;
#      the installed binary reports the snapshot's version, commit and date;
#      man -l renders its man pages; bash completion loaded from the installed
#      file (with Debian's bash-completion helpers) completes `caronboard pi`
#      to ping and `caronboard csr --profile ` to car and freja
# Needs dpkg-deb, man (man-db), bash-completion and python3; .ci/run installs
# them. Usage: scripts/install-test.sh [DIST]   (default: dist)
set -euo pipefail
cd "$(dirname "$0")/.."
dist=$(cd "${1:-dist}" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
checks=0
fail() { echo "install-test: FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "install-test: ok   $*"; }

# What the snapshot says it built (goreleaser's dist/metadata.json).
read -r version commit date < <(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["version"], m["commit"], m["date"])' "$dist/metadata.json")
echo "install-test: snapshot $version, commit $commit, built $date"

# 1. Checksums.
shopt -s nullglob
artefacts=("$dist"/*.tar.gz "$dist"/*.zip "$dist"/*.deb "$dist"/*.rpm)
[ ${#artefacts[@]} -eq 10 ] || fail "expected 6 archives and 4 packages (deb, rpm × amd64, arm64), got ${#artefacts[@]}: ${artefacts[*]##*/}"
for f in "${artefacts[@]}"; do
  grep -q "  ${f##*/}\$" "$dist/checksums.txt" || fail "checksums.txt does not list ${f##*/}"
done
(cd "$dist" && sha256sum --strict -c checksums.txt >/dev/null) || fail "checksums.txt does not match the artefacts"
ok "checksums.txt lists and matches all ${#artefacts[@]} archives and packages"

# 2. The linux amd64 archive.
tarball=$dist/caronboard_${version}_linux_amd64.tar.gz
[ -f "$tarball" ] || fail "no $tarball"
listing=$(tar -tzf "$tarball")
for want in caronboard README.md LICENSE completions/caronboard.bash completions/_caronboard completions/caronboard.fish completions/caronboard.ps1 manpages/caronboard.1.gz manpages/caronboard-ping.1.gz; do
  grep -qx "$want" <<<"$listing" || fail "${tarball##*/} lacks $want"
done
ok "${tarball##*/} holds the binary, README, LICENSE, man pages and completions"

# 3. The amd64 .deb.
debs=("$dist"/*_amd64.deb)
[ ${#debs[@]} -eq 1 ] || fail "expected one amd64 .deb, got: ${debs[*]##*/}"
deb=${debs[0]}
for field in Package Version Architecture Maintainer Homepage Description Section; do
  [ -n "$(dpkg-deb -f "$deb" "$field")" ] || fail "${deb##*/}: empty $field"
done
[ "$(dpkg-deb -f "$deb" Package)" = caronboard ] || fail "package name $(dpkg-deb -f "$deb" Package)"
ok "${deb##*/}: $(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version), maintainer, homepage, description, section"

dpkg-deb -x "$deb" "$root"
for want in usr/bin/caronboard \
  usr/share/man/man1/caronboard.1.gz usr/share/man/man1/caronboard-csr.1.gz usr/share/man/man1/caronboard-ping.1.gz \
  usr/share/bash-completion/completions/caronboard \
  usr/share/zsh/vendor-completions/_caronboard \
  usr/share/fish/vendor_completions.d/caronboard.fish \
  usr/share/doc/caronboard/README.md usr/share/doc/caronboard/LICENSE; do
  [ -f "$root/$want" ] || fail "${deb##*/} does not install /$want"
done
[ -x "$root/usr/bin/caronboard" ] || fail "/usr/bin/caronboard is not executable"
pages=$(find "$root/usr/share/man/man1" -name 'caronboard*.1.gz' | wc -l)
ok "the package installs /usr/bin/caronboard, $pages gzipped man pages, bash/zsh/fish completions, README and LICENSE"

got=$("$root/usr/bin/caronboard" version -o json)
python3 - "$version" "$commit" "$date" "$got" <<'PY' || fail "caronboard version: $got"
import json, re, sys
version, commit, date, got = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
seconds = lambda d: re.sub(r"\.\d+", "", d)  # metadata.json has nanoseconds, the binary RFC 3339 seconds
if not re.fullmatch(r"[0-9a-f]{40}", commit):
    sys.exit(f"the snapshot has no commit ({commit!r}): goreleaser could not read git")
if (got.get("version"), got.get("commit"), seconds(got.get("date", ""))) != (version, commit, seconds(date)):
    sys.exit(f"want version {version}, commit {commit}, date {date}; got {got}")
PY
ok "the installed binary reports version $version, commit ${commit:0:12}…, date $date"

for page in caronboard caronboard-ping caronboard-csr; do
  text=$(MANWIDTH=80 man -l "$root/usr/share/man/man1/$page.1.gz" 2>&1) || fail "man -l $page.1.gz: $text"
  grep -q "^NAME" <<<"$text" && grep -q "$page" <<<"$text" && grep -q "caronboard $version" <<<"$text" ||
    fail "man -l $page.1.gz does not render a page named $page of version $version:
$(head -20 <<<"$text")"
done
ok "man -l renders the installed man pages (NAME, the command, caronboard $version)"

# Bash completion as a login shell gets it: bash-completion's helpers, then
# the installed script, then a Tab (COMP_TYPE 9) at the end of the line.
complete_line() { # LINE -> one candidate per line
  PATH="$root/usr/bin:$PATH" bash --norc --noprofile -c '
    source /usr/share/bash-completion/bash_completion
    source "$1/usr/share/bash-completion/completions/caronboard"
    COMP_LINE=$2 COMP_POINT=${#2} COMP_TYPE=9
    read -ra COMP_WORDS <<<"$2"
    [ "${2% }" != "$2" ] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    __start_caronboard caronboard "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null # compopt: "not currently executing completion function"
    for c in "${COMPREPLY[@]}"; do echo "${c%% *}"; done' bash "$root" "$1"
}
[ -f /usr/share/bash-completion/bash_completion ] || fail "Debian's bash-completion is not installed (apt-get install bash-completion)"
got=$(complete_line "caronboard pi" | xargs)
[ "$got" = ping ] || fail "bash completion of 'caronboard pi': got '$got', want 'ping'"
got=$(complete_line "caronboard csr --profile " | xargs)
[ "$got" = "car freja" ] || fail "bash completion of 'caronboard csr --profile ': got '$got', want 'car freja'"
ok "bash completion from the installed file: 'caronboard pi<TAB>' → ping, 'csr --profile <TAB>' → car freja"

echo "install-test: $checks checks passed"
