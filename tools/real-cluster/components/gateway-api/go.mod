module istio-upgrade.local/real-cluster/gateway-api

go 1.26.0

// The Gateway API's CRDs (config/crd/standard), the release both Istio versions depend on.
require sigs.k8s.io/gateway-api v1.4.0
