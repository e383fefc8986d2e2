#!/usr/bin/env bash
# Fetches Apache Kafka's jars (the version in scripts/kafka/pom.xml) from Maven Central into
# the cache the test fixtures read (OPI_KAFKA_HOME, default ~/.cache/opi/kafka-<version>).
# A no-op once they are there. With --print-home it prints that folder last.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/kafka/pom.xml")
home=${OPI_KAFKA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/opi/kafka-$version}
if [ ! -f "$home/.complete" ]; then
  command -v mvn >/dev/null || { echo "Maven (mvn) is needed to fetch Apache Kafka" >&2; exit 1; }
  command -v java >/dev/null || { echo "Java 17 or newer is needed to run Apache Kafka" >&2; exit 1; }
  echo "fetching Apache Kafka $version from Maven Central into $home" >&2
  rm -rf "$home.partial"
  mvn -q -B -Dstyle.color=never -f "$here/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$home.partial/libs" -DincludeScope=runtime >&2
  rm -rf "$home"
  mv "$home.partial" "$home"
  echo "$version" > "$home/.complete"
fi
if [ "${1:-}" = "--print-home" ]; then
  echo "$home"
fi
