#!/usr/bin/env bash
# The real-cluster test tier: Kubernetes 1.34 (etcd, kube-apiserver, controller-manager, scheduler) with
# kwok's fake nodes, and two revisions of real Istio installed the way Istio documents a canary
# (revision-based) install, each revision's istiod running as a local process that serves injection
# and validation through URL webhooks. Everything is built from source by tools/real-cluster.
#
#   scripts/real-cluster.sh up     build what the cache lacks, start the cluster, install Istio and the lab
#   scripts/real-cluster.sh down   stop every process and remove every file of the cluster
#   scripts/real-cluster.sh env    print the cluster's environment (for `source <(…)` or tests)
#   scripts/real-cluster.sh install-gateway <revision>   re-install a revision's blue/green gateway
#
#   REAL_CLUSTER_STATE  the cluster's folder (default .real-cluster in the repository)
#   REAL_CLUSTER_NODES  fake nodes (default 4)
#   REAL_CLUSTER_POD_READY_MS  how long a pod takes to become Ready (default 1000, plus up to as much again)
#
# `up` writes $REAL_CLUSTER_STATE/env: the API server URL, its CA, the admin kubeconfig, the token of
# the backend's ServiceAccount (with exactly the RBAC documented in the backend plugin's README), the
# tools' paths and the revisions. A component that fails makes `up` exit non-zero, name it and its log,
# and leave nothing running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$REPO_ROOT"

STATE="${REAL_CLUSTER_STATE:-$REPO_ROOT/.real-cluster}"
CLUSTER=istio-upgrade-real
NODES="${REAL_CLUSTER_NODES:-4}"
POD_READY_MS="${REAL_CLUSTER_POD_READY_MS:-1000}"
MANIFESTS="$REPO_ROOT/tools/real-cluster/manifests"
# The lab: the older revision is installed first and serves the `default` tag; the newer is the canary.
OLD_MINOR=1.28
NEW_MINOR=1.29

log() { printf 'real-cluster: %s\n' "$*" >&2; }

die() {
  log "$*"
  exit 1
}

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Runs a command with its output in the component's log; on failure names the component and its log.
run() {
  local component=$1 logfile=$2
  shift 2
  if ! "$@" >>"$logfile" 2>&1; then
    log "$component failed; log: $logfile"
    tail -n 20 "$logfile" | sed 's/^/  | /' >&2
    return 1
  fi
}

# Waits until a command succeeds, up to a number of seconds.
wait_for() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$(($(date +%s) + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "$what did not happen within ${seconds}s"
      return 1
    fi
    sleep 1
  done
}

kube() { "$STATE/bin/kubectl" --kubeconfig "$STATE/kubeconfig" "$@"; }

revision_of() { echo "${1//./-}"; }

stop_processes() {
  local pidfile pid
  for pidfile in "$STATE"/pids/*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 20); do
    local alive=0
    for pidfile in "$STATE"/pids/*.pid; do
      [ -f "$pidfile" ] || continue
      kill -0 "$(cat "$pidfile")" 2>/dev/null && alive=1
    done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pidfile in "$STATE"/pids/*.pid; do
    [ -f "$pidfile" ] || continue
    kill -9 "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

down() {
  [ -d "$STATE" ] || return 0
  stop_processes
  if [ -x "$STATE/bin/kwokctl" ] && [ -d "$STATE/kwok/clusters/$CLUSTER" ]; then
    KWOK_WORKDIR="$STATE/kwok" "$STATE/bin/kwokctl" --name "$CLUSTER" delete cluster \
      --kubeconfig "$STATE/kwokctl-kubeconfig" >/dev/null 2>&1 || true
  fi
  # Whatever kwokctl did not stop (a half-created cluster): every process started from this folder.
  local pids
  pids=$(pgrep -f -- "$STATE/" || true)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null || true
  fi
  rm -rf "$STATE"
}

start_istiod() {
  local minor=$1 dir_var="RC_ISTIO_${1//./_}_DIR"
  local dir=${!dir_var} revision=${REVISIONS[$minor]}
  local work="$STATE/istiod-$revision"
  mkdir -p "$work"
  # An empty working directory: istiod reads mesh config and injection templates from files there
  # when they exist, and otherwise from its revision's ConfigMaps, which is what we want.
  (
    cd "$work"
    POD_NAME="istiod-$revision-local" POD_NAMESPACE=istio-system REVISION="$revision" \
      ISTIOD_CUSTOM_HOST=localhost,127.0.0.1 PILOT_CERT_PROVIDER=istiod CLUSTER_ID=Kubernetes \
      INJECTION_WEBHOOK_CONFIG_NAME="istio-sidecar-injector-$revision" \
      VALIDATION_WEBHOOK_CONFIG_NAME="istio-validator-$revision-istio-system" \
      setsid "$dir/bin/pilot-discovery" discovery \
      --kubeconfig "$STATE/kubeconfig" \
      --httpAddr "127.0.0.1:${PORTS[$minor.http]}" \
      --httpsAddr "127.0.0.1:${PORTS[$minor.https]}" \
      --grpcAddr "127.0.0.1:${PORTS[$minor.grpc]}" \
      --secureGRPCAddr "127.0.0.1:${PORTS[$minor.grpcs]}" \
      --monitoringAddr "127.0.0.1:${PORTS[$minor.monitoring]}" \
      --ctrlz_port "${PORTS[$minor.ctrlz]}" \
      >"$STATE/logs/istiod-$revision.log" 2>&1 </dev/null &
    echo $! >"$STATE/pids/istiod-$revision.pid"
  )
  local pid
  pid=$(cat "$STATE/pids/istiod-$revision.pid")
  local deadline=$(($(date +%s) + 90))
  until curl -sf "http://127.0.0.1:${PORTS[$minor.http]}/ready" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "istiod $revision exited; log: $STATE/logs/istiod-$revision.log"
      tail -n 20 "$STATE/logs/istiod-$revision.log" | sed 's/^/  | /' >&2
      return 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "istiod $revision was not ready within 90s; log: $STATE/logs/istiod-$revision.log"
      return 1
    fi
    sleep 1
  done
  # Ready to inject once istiod has put its CA into its injector webhook.
  wait_for "the caBundle of istio-sidecar-injector-$revision" 60 \
    bash -c "[ -n \"\$('$STATE/bin/kubectl' --kubeconfig '$STATE/kubeconfig' get mutatingwebhookconfiguration istio-sidecar-injector-$revision -o jsonpath='{.webhooks[0].clientConfig.caBundle}')\" ]"
}

install_revision() {
  local minor=$1 dir_var="RC_ISTIO_${1//./_}_DIR" version_var="RC_ISTIO_${1//./_}_VERSION"
  local dir=${!dir_var} version=${!version_var} revision=${REVISIONS[$minor]}
  local https="https://127.0.0.1:${PORTS[$minor.https]}"
  log "installing istiod $revision (Istio $version) with Helm"
  run "helm install istiod-$revision" "$STATE/logs/helm.log" \
    "$STATE/bin/helm" --kubeconfig "$STATE/kubeconfig" install "istiod-$revision" \
    "$dir/charts/istio-discovery" -n istio-system \
    --set revision="$revision" \
    --set global.hub=docker.io/istio --set-string global.tag="$version" \
    --set istiodRemote.injectionURL="$https/inject" \
    --set base.validationURL="$https/validate" \
    --set autoscaleEnabled=false --set replicaCount=1
  log "starting istiod $revision as a local process on 127.0.0.1:${PORTS[$minor.https]}"
  start_istiod "$minor"
}

# A blue/green ingress gateway for a revision, from that revision's gateway chart: its own ClusterIP
# Service, and pods labelled `istio: ingressgateway` and `version: <revision>` for the LoadBalancer
# Service to choose between.
install_gateway() {
  local revision=$1 charts=$2
  run "helm install istio-ingressgateway-$revision" "$STATE/logs/helm.log" \
    "$STATE/bin/helm" --kubeconfig "$STATE/kubeconfig" install "istio-ingressgateway-$revision" \
    "$charts/gateway" -n istio-gateways \
    --set revision="$revision" --set name="istio-ingressgateway-$revision" \
    --set service.type=ClusterIP --set autoscaling.enabled=false --set replicaCount=2 \
    --set labels.istio=ingressgateway --set labels.version="$revision"
}

# The backend's RBAC, exactly as the backend plugin's README documents it (between its rbac markers).
backend_rbac() {
  awk '/<!-- rbac:start -->/{f=1;next}/<!-- rbac:end -->/{f=0}f' \
    "$REPO_ROOT/plugins/istio-upgrade-backend/README.md" | sed '/^```/d'
}

up() {
  local started
  started=$(date +%s)
  if [ -f "$STATE/env" ] && kube get --raw /readyz >/dev/null 2>&1; then
    log "already up ($STATE/env)"
    return 0
  fi
  down
  mkdir -p "$STATE"/{bin,logs,pids}

  command -v go >/dev/null 2>&1 || die "Go is needed to build the real-cluster tools"
  log "building the tools (cached after the first run)"
  local exports
  exports=$(go -C "$REPO_ROOT/tools/real-cluster" run . build) || die "building the tools failed (see above)"
  eval "$exports"
  for tool in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    ln -s "$RC_KUBERNETES_DIR/bin/$tool" "$STATE/bin/$tool"
  done
  ln -s "$RC_ETCD_DIR/bin/etcd" "$STATE/bin/etcd"
  ln -s "$RC_KWOK_DIR/bin/kwok" "$STATE/bin/kwok"
  ln -s "$RC_KWOK_DIR/bin/kwokctl" "$STATE/bin/kwokctl"
  ln -s "$RC_HELM_DIR/bin/helm" "$STATE/bin/helm"

  declare -gA REVISIONS PORTS
  local minor version_var key
  for minor in $OLD_MINOR $NEW_MINOR; do
    version_var="RC_ISTIO_${minor//./_}_VERSION"
    REVISIONS[$minor]=$(revision_of "${!version_var}")
    for key in https http grpc grpcs monitoring ctrlz; do
      PORTS[$minor.$key]=$(free_port)
    done
  done
  local old=${REVISIONS[$OLD_MINOR]} new=${REVISIONS[$NEW_MINOR]}
  local api_port
  api_port=$(free_port)

  log "starting Kubernetes $RC_KUBERNETES_VERSION with kwok (API server on https://127.0.0.1:$api_port)"
  cat >"$STATE/kwokctl.yaml" <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  bindAddress: 127.0.0.1
  kubectlBinary: $STATE/bin/kubectl
componentsPatches:
  - name: kube-apiserver
    extraArgs:
      - key: service-cluster-ip-range
        value: 10.96.0.0/16
  - name: kube-controller-manager
    extraArgs:
      - key: kube-api-qps
        value: "500"
      - key: kube-api-burst
        value: "1000"
      - key: concurrent-deployment-syncs
        value: "20"
      - key: concurrent-replicaset-syncs
        value: "20"
      # One instance, nothing to elect: on a loaded machine a lease renewal that times out would
      # otherwise make it exit, and nothing restarts it.
      - key: leader-elect
        value: "false"
  - name: kube-scheduler
    extraArgs:
      - key: leader-elect
        value: "false"
      - key: kube-api-qps
        value: "500"
      - key: kube-api-burst
        value: "1000"
EOF
  # kwok's own Stages; pods become Ready after a delay (as real containers take time to start), so that
  # rollouts pace themselves by readiness as they do on real nodes.
  for stage in node-initialize node-heartbeat-with-lease pod-complete pod-delete; do
    printf -- '---\n' >>"$STATE/kwokctl.yaml"
    cat "$RC_KWOK_DIR/files/$stage.yaml" >>"$STATE/kwokctl.yaml"
  done
  printf -- '---\n' >>"$STATE/kwokctl.yaml"
  awk -v ms="$POD_READY_MS" -f "$MANIFESTS/pod-ready-delay.awk" "$RC_KWOK_DIR/files/pod-ready.yaml" >>"$STATE/kwokctl.yaml"
  if ! PATH="$STATE/bin:$PATH" KWOK_WORKDIR="$STATE/kwok" KWOK_KUBE_VERSION="v$RC_KUBERNETES_VERSION" \
    "$STATE/bin/kwokctl" --name "$CLUSTER" create cluster --runtime binary \
    --config "$STATE/kwokctl.yaml" \
    --kubeconfig "$STATE/kwokctl-kubeconfig" \
    --kube-apiserver-port "$api_port" --secure-port=true \
    --kube-authorization=true --kube-admission=true \
    --kube-audit-policy "$MANIFESTS/audit-policy.yaml" \
    --kube-apiserver-binary "$STATE/bin/kube-apiserver" \
    --kube-controller-manager-binary "$STATE/bin/kube-controller-manager" \
    --kube-scheduler-binary "$STATE/bin/kube-scheduler" \
    --kwok-controller-binary "$STATE/bin/kwok" \
    --etcd-binary "$STATE/bin/etcd" \
    --wait 3m >"$STATE/logs/kwokctl.log" 2>&1; then
    log "kwokctl create cluster failed; log: $STATE/logs/kwokctl.log (components: $STATE/kwok/clusters/$CLUSTER/logs)"
    tail -n 20 "$STATE/logs/kwokctl.log" | sed 's/^/  | /' >&2
    return 1
  fi
  local kwok_dir="$STATE/kwok/clusters/$CLUSTER"
  cp "$kwok_dir/kubeconfig.yaml" "$STATE/kubeconfig"
  # The context is named after the cluster's catalog name, as the simulator's kubeconfig names its own.
  kube config rename-context "kwok-$CLUSTER" real >/dev/null
  wait_for "the API server's readiness" 60 kube get --raw /readyz

  log "adding $NODES fake nodes (kubelet v$RC_KUBERNETES_VERSION)"
  run "kwokctl scale node" "$STATE/logs/kwokctl.log" \
    env KWOK_WORKDIR="$STATE/kwok" "$STATE/bin/kwokctl" --name "$CLUSTER" scale node \
    --replicas "$NODES" \
    --param '.podCIDRs=["10.244.0.0/24"]' --param '.nodeIPs=["10.200.0.1"]' \
    --param ".nodeInfo.kubeletVersion=\"v$RC_KUBERNETES_VERSION\""
  wait_for "$NODES Ready nodes" 60 bash -c \
    "[ \"\$('$STATE/bin/kubectl' --kubeconfig '$STATE/kubeconfig' get nodes --no-headers 2>/dev/null | grep -cw Ready)\" -ge $NODES ]"
  # Namespaces get their `default` ServiceAccount from the controller-manager.
  wait_for "the default ServiceAccount" 60 kube get serviceaccount default -n default

  # The Gateway API's CRDs before istiod starts: each istiod then deploys the Gateways of class istio
  # that name its revision.
  log "Gateway API $RC_GATEWAY_API_VERSION CRDs"
  run "kubectl apply (Gateway API CRDs)" "$STATE/logs/workloads.log" \
    kube apply --server-side -f "$RC_GATEWAY_API_DIR/files"
  wait_for "the Gateway API CRDs" 60 kube wait --for condition=Established --timeout=5s \
    crd/gateways.gateway.networking.k8s.io crd/gatewayclasses.gateway.networking.k8s.io

  local old_dir_var="RC_ISTIO_${OLD_MINOR//./_}_DIR" new_dir_var="RC_ISTIO_${NEW_MINOR//./_}_DIR"
  local old_version_var="RC_ISTIO_${OLD_MINOR//./_}_VERSION" new_version_var="RC_ISTIO_${NEW_MINOR//./_}_VERSION"
  log "installing Istio's base chart ($OLD_MINOR)"
  run "kubectl create namespace istio-system" "$STATE/logs/helm.log" kube create namespace istio-system
  run "helm install istio-base" "$STATE/logs/helm.log" \
    "$STATE/bin/helm" --kubeconfig "$STATE/kubeconfig" install istio-base \
    "${!old_dir_var}/charts/base" -n istio-system --set defaultRevision=""
  install_revision "$OLD_MINOR"
  log "istioctl tag set default --revision $old"
  run "istioctl tag set default" "$STATE/logs/istioctl.log" \
    "${!old_dir_var}/bin/istioctl" --kubeconfig "$STATE/kubeconfig" tag set default \
    --revision "$old" --overwrite --skip-confirmation

  # The canary, as Istio's canary upgrade documents it: base upgraded first, then the new revision.
  log "upgrading Istio's base chart to $NEW_MINOR"
  run "helm upgrade istio-base" "$STATE/logs/helm.log" \
    "$STATE/bin/helm" --kubeconfig "$STATE/kubeconfig" upgrade istio-base \
    "${!new_dir_var}/charts/base" -n istio-system --set defaultRevision=""
  install_revision "$NEW_MINOR"

  log "blue/green ingress gateways ($old live, $new standby)"
  run "kubectl create namespace istio-gateways" "$STATE/logs/helm.log" kube create namespace istio-gateways
  install_gateway "$old" "${!old_dir_var}/charts"
  install_gateway "$new" "${!new_dir_var}/charts"
  sed "s/\${LIVE_REVISION}/$old/" "$MANIFESTS/ingress-load-balancer.yaml" >"$STATE/ingress-load-balancer.yaml"
  run "the LoadBalancer Service" "$STATE/logs/workloads.log" kube apply -f "$STATE/ingress-load-balancer.yaml"

  log "bookinfo (istio-injection=enabled) and nginx (istio.io/rev=$old)"
  run "namespace bookinfo" "$STATE/logs/workloads.log" kube create namespace bookinfo
  run "namespace bookinfo" "$STATE/logs/workloads.log" kube label namespace bookinfo istio-injection=enabled
  run "bookinfo" "$STATE/logs/workloads.log" kube apply -n bookinfo -f "${!old_dir_var}/files/bookinfo.yaml"
  run "namespace nginx" "$STATE/logs/workloads.log" kube create namespace nginx
  run "namespace nginx" "$STATE/logs/workloads.log" kube label namespace nginx "istio.io/rev=$old"
  run "nginx" "$STATE/logs/workloads.log" kube apply -f "$MANIFESTS/nginx.yaml"

  log "the backend's ServiceAccount, with the RBAC of the backend plugin's README"
  backend_rbac >"$STATE/backend-rbac.yaml"
  [ -s "$STATE/backend-rbac.yaml" ] || die "no RBAC between the rbac markers of plugins/istio-upgrade-backend/README.md"
  run "the backend's RBAC" "$STATE/logs/workloads.log" kube apply -f "$STATE/backend-rbac.yaml"
  (umask 077 && kube create token istio-upgrade -n istio-upgrade --duration 24h >"$STATE/backend-token") ||
    die "could not create the backend's token"

  for ns in istio-gateways bookinfo nginx; do
    local deployments
    deployments=$(kube get deployments -n "$ns" -o name)
    for deployment in $deployments; do
      run "rollout of $ns/${deployment#*/}" "$STATE/logs/workloads.log" \
        kube rollout status -n "$ns" "$deployment" --timeout=120s
    done
  done

  cat >"$STATE/env" <<EOF
REAL_CLUSTER_STATE=$STATE
REAL_CLUSTER_SERVER=https://127.0.0.1:$api_port
REAL_CLUSTER_CA_FILE=$kwok_dir/pki/ca.crt
REAL_CLUSTER_KUBECONFIG=$STATE/kubeconfig
REAL_CLUSTER_TOKEN_FILE=$STATE/backend-token
REAL_CLUSTER_AUDIT_LOG=$kwok_dir/logs/audit.log
REAL_CLUSTER_BIN=$STATE/bin
REAL_CLUSTER_KUBERNETES_VERSION=$RC_KUBERNETES_VERSION
REAL_CLUSTER_OLD_REVISION=$old
REAL_CLUSTER_OLD_VERSION=${!old_version_var}
REAL_CLUSTER_OLD_ISTIOCTL=${!old_dir_var}/bin/istioctl
REAL_CLUSTER_OLD_CHARTS=${!old_dir_var}/charts
REAL_CLUSTER_NEW_REVISION=$new
REAL_CLUSTER_NEW_VERSION=${!new_version_var}
REAL_CLUSTER_NEW_ISTIOCTL=${!new_dir_var}/bin/istioctl
REAL_CLUSTER_NEW_CHARTS=${!new_dir_var}/charts
REAL_CLUSTER_HELM=$STATE/bin/helm
REAL_CLUSTER_NODES=$NODES
EOF
  log "up in $(($(date +%s) - started))s: $STATE/env"
}

case "${1:-}" in
  up)
    trap 'status=$?; if [ $status -ne 0 ]; then log "up failed: stopping everything it started"; down; fi' EXIT
    up
    trap - EXIT
    ;;
  down) down ;;
  env)
    [ -f "$STATE/env" ] || die "not up ($STATE/env is missing)"
    cat "$STATE/env"
    ;;
  install-gateway)
    # Re-installs a revision's blue/green gateway as `up` did (tests remove and restore one).
    [ -f "$STATE/env" ] || die "not up ($STATE/env is missing)"
    revision=${2:?usage: scripts/real-cluster.sh install-gateway <revision>}
    # shellcheck disable=SC1091
    source "$STATE/env"
    case "$revision" in
      "$REAL_CLUSTER_OLD_REVISION") install_gateway "$revision" "$REAL_CLUSTER_OLD_CHARTS" ;;
      "$REAL_CLUSTER_NEW_REVISION") install_gateway "$revision" "$REAL_CLUSTER_NEW_CHARTS" ;;
      *) die "no revision $revision in this cluster" ;;
    esac
    ;;
  *)
    echo "usage: scripts/real-cluster.sh up|down|env|install-gateway <revision>" >&2
    exit 2
    ;;
esac
