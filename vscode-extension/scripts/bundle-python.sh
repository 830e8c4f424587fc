#!/usr/bin/env bash
# Puts benchlens and its Python dependencies into bundled/ for the .vsix of one platform:
# bundled/libs (everything that runs on any CPython >= 3.11) and bundled/abi/cpXY (the
# tree-sitter binding, compiled per CPython minor version). Wheels come from the package
# index with pip's --platform/--python-version, so the bundle does not depend on the
# Python that builds it.
#   usage: bundle-python.sh PYTHON PROJECT_DIR [PLATFORM]   (PLATFORM: linux-x64)
set -euo pipefail

python="${1:?usage: bundle-python.sh PYTHON PROJECT_DIR [PLATFORM]}"
project="$(cd "${2:?project dir}" && pwd)"
target="${3:-linux-x64}"
versions=(3.11 3.12 3.13 3.14)
case "$target" in
  linux-x64) platforms=(manylinux_2_17_x86_64 manylinux2014_x86_64) ;;
  linux-arm64) platforms=(manylinux_2_17_aarch64 manylinux2014_aarch64) ;;
  *) echo "bundle-python.sh: unsupported target $target" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/bundled"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

pip=("$python" -m pip --quiet --disable-pip-version-check)
platform_args=(--implementation cp --only-binary=:all:)
for p in "${platforms[@]}"; do platform_args+=(--platform "$p"); done

# Built from a copy of the sources, so no stale build/ folder of the project leaks into it.
mkdir -p "$work/src"
cp -r "$project/pyproject.toml" "$project/README.md" "$project/server" "$work/src/"
find "$work/src" \( -name __pycache__ -o -name '*.egg-info' \) -prune -exec rm -rf {} +
"${pip[@]}" wheel --no-deps --wheel-dir "$work/wheel" "$work/src"
wheel=("$work"/wheel/benchlens-*.whl)

# Everything, resolved for the oldest supported Python.
"${pip[@]}" install --target "$work/libs" --python-version "${versions[0]}" \
  "${platform_args[@]}" "${wheel[0]}"
binding=$(cd "$work/libs" && ls -d tree_sitter-*.dist-info)
ts_version=${binding#tree_sitter-}
ts_version=${ts_version%.dist-info}

# The version-specific binding moves out of libs into abi/cpXY, one per Python.
mkdir -p "$work/abi"
for v in "${versions[@]}"; do
  tag="cp${v/./}"
  if [ "$v" = "${versions[0]}" ]; then
    mkdir -p "$work/abi/$tag"
    mv "$work/libs/tree_sitter" "$work/libs/$binding" "$work/abi/$tag/"
  else
    "${pip[@]}" install --no-deps --target "$work/abi/$tag" --python-version "$v" \
      "${platform_args[@]}" "tree-sitter==$ts_version"
  fi
done
rm -rf "$work/libs/bin"
find "$work" -name __pycache__ -type d -prune -exec rm -rf {} +

rm -rf "$out/libs" "$out/abi"
mv "$work/libs" "$out/libs"
mv "$work/abi" "$out/abi"
echo "bundled benchlens with tree-sitter $ts_version for CPython ${versions[*]} ($target)"
