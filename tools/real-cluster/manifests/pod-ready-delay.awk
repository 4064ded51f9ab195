# Adds a readiness delay to kwok's fast pod-ready Stage: `ms` milliseconds plus a jitter of up to as
# much again, or the pod's `pod-ready.stage.kwok.x-k8s.io/delay` annotation when it has one.
/^  next:/ {
  print "  delay:"
  print "    durationMilliseconds: " ms
  print "    durationFrom:"
  print "      expressionFrom: '.metadata.annotations[\"pod-ready.stage.kwok.x-k8s.io/delay\"]'"
  print "    jitterDurationMilliseconds: " ms
}
{ print }
