package main

// A component is one wrapper module under components/ and the binaries built from it.
type component struct {
	// Name of the component, also its folder under components/.
	Name string
	// Version is the release built, part of the cache folder's name.
	Version string
	// Binaries maps each output name to the Go package it is built from.
	Binaries map[string]string
	// LDFlags set the version strings the binaries report.
	LDFlags []string
	// Charts copies these folders of the given module's source into the cache's charts/ folder.
	Charts *chartSource
	// Files copies these files of the given module's source into the cache's files/ folder.
	Files *fileSource
}

type chartSource struct {
	Module string
	// Folders are relative to the module root; each is copied under its last path element.
	Folders []string
}

type fileSource struct {
	Module string
	// Files are relative to the module root; each is copied under its base name.
	Files []string
}

const kubernetesVersion = "1.34.12"

func kubernetesLDFlags(version string) []string {
	return []string{
		"-X k8s.io/component-base/version.gitVersion=v" + version,
		"-X k8s.io/component-base/version.gitMajor=1",
		"-X k8s.io/component-base/version.gitMinor=34",
		"-X k8s.io/component-base/version.gitTreeState=clean",
		"-X k8s.io/client-go/pkg/version.gitVersion=v" + version,
		"-X k8s.io/client-go/pkg/version.gitMajor=1",
		"-X k8s.io/client-go/pkg/version.gitMinor=34",
	}
}

func istioLDFlags(version, commit string) []string {
	return []string{
		"-X istio.io/istio/pkg/version.buildVersion=" + version,
		"-X istio.io/istio/pkg/version.buildGitRevision=" + commit,
		"-X istio.io/istio/pkg/version.buildStatus=Clean",
		"-X istio.io/istio/pkg/version.buildTag=" + version,
		"-X istio.io/istio/pkg/version.buildHub=docker.io/istio",
		"-X istio.io/istio/pkg/version.buildOS=linux",
		"-X istio.io/istio/pkg/version.buildArch=amd64",
	}
}

func istio(minor, version, commit string) component {
	return component{
		Name:    "istio-" + minor,
		Version: version,
		Binaries: map[string]string{
			"pilot-discovery": "istio.io/istio/pilot/cmd/pilot-discovery",
			"istioctl":        "istio.io/istio/istioctl/cmd/istioctl",
		},
		LDFlags: istioLDFlags(version, commit),
		Charts: &chartSource{
			Module: "istio.io/istio",
			Folders: []string{
				"manifests/charts/base",
				"manifests/charts/istio-control/istio-discovery",
				"manifests/charts/gateway",
			},
		},
		Files: &fileSource{
			Module: "istio.io/istio",
			Files:  []string{"samples/bookinfo/platform/kube/bookinfo.yaml"},
		},
	}
}

// components are built in this order; the versions must match the wrapper modules' requirements.
var components = []component{
	{
		Name:    "etcd",
		Version: "3.6.16",
		Binaries: map[string]string{
			"etcd": "go.etcd.io/etcd/server/v3",
		},
	},
	{
		Name:    "kubernetes",
		Version: kubernetesVersion,
		Binaries: map[string]string{
			"kube-apiserver":          "k8s.io/kubernetes/cmd/kube-apiserver",
			"kube-controller-manager": "k8s.io/kubernetes/cmd/kube-controller-manager",
			"kube-scheduler":          "k8s.io/kubernetes/cmd/kube-scheduler",
			"kubectl":                 "k8s.io/kubernetes/cmd/kubectl",
		},
		LDFlags: kubernetesLDFlags(kubernetesVersion),
	},
	{
		Name:    "kwok",
		Version: "0.8.0",
		Binaries: map[string]string{
			"kwok":    "sigs.k8s.io/kwok/cmd/kwok",
			"kwokctl": "sigs.k8s.io/kwok/cmd/kwokctl",
		},
		// kwok's own Stages, which the cluster uses with a readiness delay added to pod-ready.
		Files: &fileSource{
			Module: "sigs.k8s.io/kwok",
			Files: []string{
				"kustomize/stage/node/fast/node-initialize.yaml",
				"kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
				"kustomize/stage/pod/fast/pod-ready.yaml",
				"kustomize/stage/pod/fast/pod-complete.yaml",
				"kustomize/stage/pod/fast/pod-delete.yaml",
			},
		},
	},
	{
		Name:    "helm",
		Version: "3.22.0",
		Binaries: map[string]string{
			"helm": "helm.sh/helm/v3/cmd/helm",
		},
		LDFlags: []string{"-X helm.sh/helm/v3/internal/version.version=v3.22.0"},
	},
	{
		// The Gateway API's standard CRDs, the release both Istio versions build with: istiod deploys
		// a Gateway of class istio (gateway.networking.k8s.io/v1) as a Deployment and Service of its own.
		Name:    "gateway-api",
		Version: "1.4.0",
		Files: &fileSource{
			Module: "sigs.k8s.io/gateway-api",
			Files: []string{
				"config/crd/standard/gateway.networking.k8s.io_gatewayclasses.yaml",
				"config/crd/standard/gateway.networking.k8s.io_gateways.yaml",
				"config/crd/standard/gateway.networking.k8s.io_httproutes.yaml",
				"config/crd/standard/gateway.networking.k8s.io_grpcroutes.yaml",
				"config/crd/standard/gateway.networking.k8s.io_referencegrants.yaml",
				"config/crd/standard/gateway.networking.k8s.io_backendtlspolicies.yaml",
			},
		},
	},
	istio("1.28", "1.28.3", "4c1f845d839e9086ee85ad9337f2647492322eb4"),
	istio("1.29", "1.29.1", "6991a379e1fcfbe21e64da2eda5d56624a5547b4"),
}
