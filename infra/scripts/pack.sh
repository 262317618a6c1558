#!/usr/bin/env bash
# Packs every project under src/ (not the samples) and checks each package: id, version, description, licence
# expression, README, the LICENSE file, XML docs, and a symbols package beside it. Prints one line per package and
# exits non-zero naming what is missing. Called by .ci/run after the tests.
#
#   infra/scripts/pack.sh [output-directory]          default: a temporary directory, removed at exit
#
# RESOLUTE_REPOSITORY_URL   the repository URL stamped into the packages; default: the clone's origin when it is an
#                           https URL. Without either, packages carry no repository URL (reported, not an error).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-}
if [[ -z $out ]]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

if ! command -v unzip >/dev/null; then
  echo "[pack.sh] installing unzip"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip >/dev/null
fi

url=${RESOLUTE_REPOSITORY_URL:-}
if [[ -z $url ]]; then
  origin=$(git -C "$repo" remote get-url origin 2>/dev/null || true)
  [[ $origin == https://* ]] && url=$origin
fi

projects=()
while IFS= read -r project; do projects+=("$project"); done < <(find "$repo/src" -name '*.csproj' -not -path '*/Samples/*' | sort)
echo "[pack.sh] packing ${#projects[@]} projects into $out${url:+ (repository $url)}"
for project in "${projects[@]}"; do
  dotnet pack "$project" -c Release -o "$out" --nologo -v quiet -p:ResoluteRepositoryUrl="$url" >/dev/null
done

failed=0
for project in "${projects[@]}"; do
  id=$(basename "$project" .csproj)
  package=$(find "$out" -maxdepth 1 -name "$id.[0-9]*.nupkg" ! -name '*.snupkg' | head -1)
  problems=()
  if [[ -z $package ]]; then
    problems+=("no package")
  else
    nuspec=$(unzip -p "$package" "$id.nuspec")
    grep -q "<id>$id</id>" <<<"$nuspec" || problems+=("id")
    grep -q '<description>[^<]\{20,\}</description>' <<<"$nuspec" || problems+=("description")
    grep -q '<license type="expression">Apache-2.0</license>' <<<"$nuspec" || problems+=("license expression")
    grep -q '<readme>README.md</readme>' <<<"$nuspec" || problems+=("readme")
    files=$(unzip -Z1 "$package")
    grep -qx 'README.md' <<<"$files" || problems+=("README.md file")
    grep -qx 'LICENSE' <<<"$files" || problems+=("LICENSE file")
    if grep -q '<packageType name="DotnetTool"' <<<"$nuspec"; then
      # A dotnet tool (Resolute.Cli) carries its assembly under tools/, named by its settings' entry point.
      entry=$(unzip -p "$package" tools/net10.0/any/DotnetToolSettings.xml | grep -o 'EntryPoint="[^"]*"' | cut -d'"' -f2)
      grep -qx "tools/net10.0/any/${entry%.dll}.xml" <<<"$files" || problems+=("XML docs")
    else
      grep -q "^lib/net10.0/$id.xml$" <<<"$files" || problems+=("XML docs")
    fi
    [[ -f ${package%.nupkg}.snupkg ]] || problems+=("symbols package")
    # The hosting package carries only what the embedded default needs: drivers and transports are opt-in packages.
    if [[ $id == Resolute.Hosting ]]; then
      for optional in Resolute.Persistence.PostgreSql Resolute.Persistence.SqlServer Resolute.RabbitMq MassTransit.RabbitMQ Npgsql Microsoft.EntityFrameworkCore.SqlServer; do
        if grep -q "<dependency id=\"$optional\"" <<<"$nuspec"; then problems+=("depends on $optional"); fi
      done
    fi
    if [[ -n $url ]] && ! grep -q "<repository type=\"git\" url=\"$url\"" <<<"$nuspec"; then problems+=("repository url"); fi
  fi
  if (( ${#problems[@]} )); then
    echo "[pack.sh] $id: MISSING ${problems[*]}"
    failed=1
  else
    echo "[pack.sh] $id: ok ($(basename "$package"))"
  fi
done
[[ -n $url ]] || echo "[pack.sh] note: no repository URL (set RESOLUTE_REPOSITORY_URL or an https origin)"
exit $failed
