#!/usr/bin/env bash
# The benchmark (docs/benchmark.md): builds the engine jar, then runs the load driver
# (org.telenc.engine.bench.Benchmark, test sources) in its own JVM. The driver starts the packaged
# engine as a separate process per phase, the JMS ceiling in another, prints one report and writes
# it to target/benchmark/report.txt.
#
#   scripts/benchmark.sh                 # quick (default): about 12-15 minutes on 2 cores
#   scripts/benchmark.sh --full          # 60 s measured per row
#   scripts/benchmark.sh --no-build ...  # use the jar and test classes already in target/
#   scripts/benchmark.sh --phases=f      # only the EMR at a distance: a few minutes
#
# Other options go to the driver: --concurrency=1,16,64 --consumers=1,4,8,32 --e2e-in-flight=16
# --warmup=S --measure=S --e2e-warmup=S --e2e-measure=S --engine-jvm-opts="-Xmx512m" --keep-data
# --phases=a,b,c,f --emr-delay=100ms --generated-patients=64 --sandbox=process|embedded --jit-settle=S
# (see BenchSettings). Maven runs online as the commands in README.md and docs/ do, so a fresh machine
# (empty ~/.m2) fetches what the build and dependency:build-classpath need; MAVEN_OFFLINE=1 adds -o
# for a machine whose ~/.m2 already holds everything.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
args=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    *) args+=("$arg") ;;
  esac
done

mvn_opts=(-B -q)
if [[ "${MAVEN_OFFLINE:-0}" == "1" ]]; then
  mvn_opts+=(-o)
fi

mkdir -p target/benchmark
if [[ "$build" == "1" ]]; then
  echo "[bench] building: mvn ${mvn_opts[*]} -DskipTests package" >&2
  mvn "${mvn_opts[@]}" -DskipTests package
fi
classpath_file=target/benchmark/classpath.txt
if [[ "$build" == "1" || ! -s "$classpath_file" || pom.xml -nt "$classpath_file" ]]; then
  mvn "${mvn_opts[@]}" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$classpath_file" >&2
fi
if [[ ! -d target/test-classes/org/telenc/engine/bench ]]; then
  echo "[bench] target/test-classes has no benchmark classes: run without --no-build" >&2
  exit 2
fi

exec java -Xms256m -Xmx1g -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
  org.telenc.engine.bench.Benchmark "${args[@]}"
