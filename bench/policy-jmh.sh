#!/usr/bin/env bash
# JMH: the full policy decision for one recipient with 100 tenants and 10,000 mailboxes in state
# (issue 6 target: under 5 µs). Builds the policy module's test classes, then runs JMH in its own
# JVM with the module's test classpath. Bounded: 1 fork, 3 warm-up and 5 measured iterations of 2 s.
#   usage: bench/policy-jmh.sh [extra JMH options]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -B -q -pl storage install -DskipTests
mvn -B -q -pl policy test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.classpath
cp="policy/target/test-classes:policy/target/classes:$(cat policy/target/jmh.classpath)"
java -cp "$cp" org.openjdk.jmh.Main PolicyDecisionBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s "$@"
