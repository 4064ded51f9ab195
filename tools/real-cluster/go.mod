// The real-cluster test tier's builder: it compiles pinned releases of Kubernetes, etcd, kwok, Helm and
// Istio from the Go module proxy into a cache outside the repository. It only builds test tools; the
// product is TypeScript. Each component's pinned module set is a wrapper module under components/.
module istio-upgrade.local/real-cluster

go 1.26
