#!/usr/bin/env bash
# JMH: one DKIM signature (RSA-2048, relaxed/relaxed, 4 KB message) with the JDK's crypto providers
# and with Amazon Corretto Crypto Provider, each in its own JVM. Bounded: 1 fork per provider,
# 3 warm-up and 5 measured iterations of 2 s.
#   usage: bench/dkim-jmh.sh [extra JMH options]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -B -q -pl storage,policy install -DskipTests
mvn -B -q -pl server test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.classpath
cp="server/target/test-classes:server/target/classes:$(cat server/target/jmh.classpath)"
java -cp "$cp" org.openjdk.jmh.Main DkimSignBenchmark -wi 3 -w 2s -i 5 -r 2s "$@"
