#!/usr/bin/env bash
# Record benchmark results of this module into one Go benchmark text file.
#
# usage: ./record_results.sh OUTPUT
#   environment: RUNS (default 6), BENCHTIME (default 200ms), GO (default go)
#
# Each package's test binary is built once, then the set of binaries is run
# RUNS times round-robin (pkg1, pkg2, ..., pkg1, pkg2, ...), each run with
# -test.count=1 in its own package directory, as `go test` does. Samples are
# therefore independent runs of the process rather than back-to-back
# iterations of one process. Each binary prints its own goos/goarch/pkg/cpu
# header. OUTPUT is written atomically (temporary file, then mv).
set -euo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: $0 OUTPUT" >&2
	exit 2
fi

runs=${RUNS:-6}
benchtime=${BENCHTIME:-200ms}
go_bin=${GO:-go}

out=$1
out_dir=$(cd "$(dirname "$out")" && pwd)
out="$out_dir/$(basename "$out")"
module_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$module_dir"

bin_dir=$(mktemp -d)
tmp_out=$(mktemp "$out.tmp.XXXXXX")
cleanup() { rm -rf "$bin_dir"; rm -f "$tmp_out"; }
trap cleanup EXIT

# Packages that have tests, as "import-path<TAB>directory".
mapfile -t pkgs < <("$go_bin" list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}	{{.Dir}}{{end}}' ./...)
if [[ ${#pkgs[@]} -eq 0 ]]; then
	echo "no packages with tests" >&2
	exit 1
fi

names=()
dirs=()
for entry in "${pkgs[@]}"; do
	import_path=${entry%%$'\t'*}
	dir=${entry#*$'\t'}
	name=${import_path//\//_}
	echo "build $import_path" >&2
	"$go_bin" test -c -o "$bin_dir/$name.test" "$import_path"
	names+=("$name")
	dirs+=("$dir")
done

# The commit whose code is measured, as `benchlens save-baseline` records it
# (`benchlens explain` and `ab` profile that commit as the baseline side).
if commit=$(git -C "$module_dir" rev-parse --verify --quiet HEAD); then
	echo "commit: $commit" >>"$tmp_out"
fi

bench_args=(-test.run='^$' -test.bench=. -test.benchmem -test.benchtime="$benchtime" -test.count=1)
for ((run = 1; run <= runs; run++)); do
	for i in "${!names[@]}"; do
		echo "run $run/$runs ${names[$i]}" >&2
		(cd "${dirs[$i]}" && "$bin_dir/${names[$i]}.test" "${bench_args[@]}") >>"$tmp_out"
	done
done

chmod 0644 "$tmp_out"
mv "$tmp_out" "$out"
echo "wrote $out" >&2
