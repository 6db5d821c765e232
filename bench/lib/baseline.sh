#!/usr/bin/env bash
# Builds our packages at an earlier commit into a directory, for the profiler's `base` variant
# (before/after measured in the same run). Run by `node bench/run.mjs --profile
# --baseline-commit <commit> [--baseline <dir>]`; by hand: bash bench/lib/baseline.sh [commit=HEAD] [dir=/tmp/baseline]
set -euo pipefail
commit=${1:-HEAD}
dir=${2:-/tmp/baseline}
root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
rm -rf "$dir" && mkdir -p "$dir"
cd "$root"
git archive "$commit" packages $(ls tsconfig*.json) | tar -x -C "$dir"
ln -s "$root/node_modules" "$dir/node_modules"
# Each package's dependencies: workspace links stay inside $dir, the others point at ours.
for p in cosocket resty-redis resty-memcached resty-mongo; do
  mkdir -p "$dir/packages/$p/node_modules"
  for l in packages/$p/node_modules/*; do
    [ -L "$l" ] || continue
    t=$(readlink "$l")
    case "$t" in
      ../../*) ln -sfn "$t" "$dir/packages/$p/node_modules/$(basename "$l")" ;;
      *) ln -sfn "$(readlink -f "$l")" "$dir/packages/$p/node_modules/$(basename "$l")" ;;
    esac
  done
done
cd "$dir" && "$root/node_modules/.bin/tsc" -b packages/cosocket packages/resty-redis packages/resty-memcached packages/resty-mongo
echo "baseline $(git -C "$root" rev-parse --short "$commit") built in $dir"
