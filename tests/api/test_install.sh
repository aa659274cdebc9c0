#!/bin/sh
# tests/api/test_install.sh BUILD_DIR -- `cmake --install` into a temporary
# prefix, then use what it installed: the command (with its scenarios and
# their pricing, found from the installed binary), and the library through
# pkg-config from a program compiled outside the tree.  EXTRA_CFLAGS (the
# second argument) are the build's sanitizer flags, if any: a sanitized
# library needs its runtime linked into the program first.
build=$1
extra=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install"; }
p=$tmp/prefix
for f in bin/scalesim include/scalesim/scalesim.h share/scalesim/scenarios/stage5-cache.yaml \
         share/scalesim/scenarios/pricing.yaml share/scalesim/plots/journey.gp; do
    [ -e "$p/$f" ] && echo "ok: installed $f" || fail "not installed: $f"
done
lib=$(ls -d "$p"/lib*/ | head -1)
[ -f "$lib/pkgconfig/scalesim.pc" ] && echo "ok: scalesim.pc" || fail "no scalesim.pc"
# the installed command runs an installed scenario from elsewhere
cd "$tmp"
cp "$p/share/scalesim/scenarios/stage1-single-server.yaml" mine.yaml
"$p/bin/scalesim" -q --duration 5s --warmup 1s -o csv mine.yaml >out.csv 2>err.txt &&
    grep -q "^stage1-single-server,1," out.csv && echo "ok: installed scalesim runs (pricing found beside it)" ||
    { cat err.txt; fail "installed scalesim"; }
# a program of one's own, through pkg-config
cat >prog.c <<'C'
#include <math.h>
#include <stdio.h>
#include <scalesim/scalesim.h>
int main(void)
{
    const char *y = "scalesim: 1\nsimulation: {duration: 20s, warmup: 1s}\n"
                    "workload: {rate: 100/s, requests: {r: {route: [a]}}}\n"
                    "components: {a: {kind: app_server, service: 2ms}}\n";
    ss_diag *d = ss_diag_new();
    ss_scenario *sc = ss_scenario_parse("x.yaml", y, NULL, d);
    ss_result *r;
    if (!sc || ss_run(sc, NULL, &r) != SS_OK)
        return 1;
    printf("%s %.3f\n", ss_version(), ss_result_figure(r, "mean_ms"));
    ss_result_free(r);
    ss_scenario_free(sc);
    ss_diag_free(d);
    return 0;
}
C
export PKG_CONFIG_PATH="$lib/pkgconfig"
if cc $extra prog.c $(pkg-config --cflags scalesim) $(pkg-config --libs scalesim) -o prog 2>cc.err; then
    out=$(LD_LIBRARY_PATH="$lib" ./prog) && echo "$out" | grep -q " 2\.[0-9]*$" &&
        echo "ok: a program linked through pkg-config runs ($out)" || fail "prog printed '$out'"
else
    cat cc.err; fail "compiling against the installed library"
fi
echo "$fails failure(s)"
[ "$fails" -eq 0 ]
