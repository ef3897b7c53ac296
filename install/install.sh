#!/bin/sh
# kedge installer, run from a checkout as root:
#
#   sudo ./install/install.sh
#
# It installs what is missing (containerd and runc through apt-get, the npm dependencies),
# links the kedge command, and starts `kedge server`: as a systemd service when systemd runs,
# otherwise in the background with nohup (containers, CI). Running it again changes nothing
# that is already in place.
#
# Variables (all optional):
#   INSTALL_KEDGE_SKIP_CONTAINERD=true   Do not install containerd and runc with apt-get.
#   INSTALL_KEDGE_BIN_DIR=DIR            Where the kedge link goes (default /usr/local/bin).
#   INSTALL_KEDGE_EXEC="FLAGS"           Extra flags for `kedge server`, e.g. "--tls-san pi.lan".
#   INSTALL_KEDGE_SKIP_START=true        Install (and enable the unit) but do not start kedge.
#   KEDGE_*                              Server settings (KEDGE_DATA_DIR, KEDGE_HTTPS_PORT,
#                                        KEDGE_TLS_SAN, ...; see `kedge server --help`). With
#                                        systemd they are stored in the unit's env file.
#
# Files written:
#   INSTALL_KEDGE_BIN_DIR/kedge                  link to <checkout>/bin/kedge.mjs
#   /etc/systemd/system/kedge.service            with systemd
#   /etc/systemd/system/kedge.service.env        KEDGE_* variables, mode 0600, with systemd
#   /var/log/kedge.log, /run/kedge.pid           without systemd
set -e

info() {
    echo "[INFO] $*"
}

warn() {
    echo "[WARN] $*" >&2
}

fatal() {
    echo "[ERROR] $*" >&2
    exit 1
}

# Temporary files live in one directory that goes away however the script ends.
cleanup() {
    if [ -n "${TMP_DIR}" ] && [ -d "${TMP_DIR}" ]; then
        rm -rf "${TMP_DIR}"
    fi
}

# --- settings from the environment ---
setup_env() {
    TMP_DIR=""
    REPO_DIR=$(cd "$(dirname "$0")/.." && pwd -P)
    [ -f "${REPO_DIR}/bin/kedge.mjs" ] || fatal "${REPO_DIR}/bin/kedge.mjs not found: run install.sh from a kedge checkout"
    BIN_DIR=${INSTALL_KEDGE_BIN_DIR:-/usr/local/bin}
    DATA_DIR=${KEDGE_DATA_DIR:-/var/lib/kedge/server}
    HTTPS_PORT=${KEDGE_HTTPS_PORT:-6443}
    UNIT_FILE=/etc/systemd/system/kedge.service
    ENV_FILE=/etc/systemd/system/kedge.service.env
    LOG_FILE=/var/log/kedge.log
    PID_FILE=/run/kedge.pid
    if [ -d /run/systemd/system ]; then
        HAS_SYSTEMD=true
    else
        HAS_SYSTEMD=false
    fi
    TMP_DIR=$(mktemp -d)
}

# --- checks ---
verify_root() {
    [ "$(id -u)" -eq 0 ] || fatal "kedge installs system files and runs containers: run as root (sudo $0)"
}

verify_node() {
    NODE_BIN=$(command -v node || true)
    [ -n "${NODE_BIN}" ] || fatal "Node.js 20 or newer is required but 'node' is not on PATH (https://nodejs.org, or: apt-get install nodejs)"
    NODE_MAJOR=$("${NODE_BIN}" -p 'process.versions.node.split(".")[0]')
    if [ "${NODE_MAJOR}" -lt 20 ]; then
        fatal "Node.js 20 or newer is required, found $("${NODE_BIN}" --version) at ${NODE_BIN}"
    fi
    command -v npm >/dev/null 2>&1 || fatal "npm is required next to node (${NODE_BIN}) to install kedge's dependencies"
    info "Using Node.js $("${NODE_BIN}" --version) at ${NODE_BIN}"
}

# --- containerd and runc ---
install_containerd() {
    if [ "${INSTALL_KEDGE_SKIP_CONTAINERD}" = true ]; then
        info "Skipping containerd installation (INSTALL_KEDGE_SKIP_CONTAINERD=true)"
        return
    fi
    if command -v containerd >/dev/null 2>&1 && command -v runc >/dev/null 2>&1; then
        info "containerd and runc already installed"
        return
    fi
    command -v apt-get >/dev/null 2>&1 || fatal "containerd or runc is missing and apt-get is not available: install them with your package manager, or set INSTALL_KEDGE_SKIP_CONTAINERD=true"
    info "Installing containerd and runc with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q containerd runc
}

# --- npm dependencies ---
install_node_modules() {
    if [ -d "${REPO_DIR}/node_modules" ] && [ -z "$(find "${REPO_DIR}/package-lock.json" -newer "${REPO_DIR}/node_modules" 2>/dev/null)" ]; then
        info "npm dependencies up to date"
        return
    fi
    info "Installing npm dependencies (npm ci in ${REPO_DIR})"
    (cd "${REPO_DIR}" && npm ci --no-audit --no-fund)
    # The freshness check compares directory times, which npm does not always move.
    touch "${REPO_DIR}/node_modules"
}

# --- the kedge command ---
install_binary() {
    TARGET="${REPO_DIR}/bin/kedge.mjs"
    [ -x "${TARGET}" ] || chmod 755 "${TARGET}"
    mkdir -p "${BIN_DIR}"
    if [ -L "${BIN_DIR}/kedge" ] && [ "$(readlink "${BIN_DIR}/kedge")" = "${TARGET}" ]; then
        info "${BIN_DIR}/kedge already links to ${TARGET}"
        return
    fi
    if [ -e "${BIN_DIR}/kedge" ] && [ ! -L "${BIN_DIR}/kedge" ]; then
        warn "Replacing ${BIN_DIR}/kedge, which was not a link"
    fi
    ln -sf "${TARGET}" "${BIN_DIR}/kedge"
    info "Linked ${BIN_DIR}/kedge -> ${TARGET}"
}

# --- systemd: env file and unit ---
# Installs $1 (a file in TMP_DIR) as $2 with mode $3 unless identical; sets CHANGED=true if written.
install_if_changed() {
    if [ -f "$2" ] && cmp -s "$1" "$2"; then
        info "$2: no change"
        return
    fi
    chmod "$3" "$1"
    mv "$1" "$2"
    CHANGED=true
    info "Wrote $2"
}

create_env_file() {
    # Values are quoted for systemd; the file can hold tokens, so only root reads it.
    env | grep '^KEDGE_' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/=\(.*\)/="\1"/' >"${TMP_DIR}/kedge.service.env" || true
    install_if_changed "${TMP_DIR}/kedge.service.env" "${ENV_FILE}" 600
}

create_systemd_unit() {
    cat >"${TMP_DIR}/kedge.service" <<EOF
[Unit]
Description=kedge server: lightweight edge container orchestrator
Documentation=file://${REPO_DIR}/README.md
Wants=network-online.target
After=network-online.target containerd.service

[Service]
Type=simple
EnvironmentFile=-${ENV_FILE}
ExecStart=${NODE_BIN} ${REPO_DIR}/bin/kedge.mjs server ${INSTALL_KEDGE_EXEC}
Restart=always
RestartSec=5s
# Containers belong to containerd: restarting kedge must not kill them (edge autonomy).
KillMode=process
Delegate=yes
LimitNOFILE=1048576
TimeoutStartSec=0

[Install]
WantedBy=multi-user.target
EOF
    install_if_changed "${TMP_DIR}/kedge.service" "${UNIT_FILE}" 644
}

start_systemd() {
    CHANGED=false
    create_env_file
    create_systemd_unit
    if [ "${CHANGED}" = true ]; then
        systemctl daemon-reload
    fi
    systemctl enable kedge >/dev/null 2>&1
    if [ "${INSTALL_KEDGE_SKIP_START}" = true ]; then
        info "Not starting kedge (INSTALL_KEDGE_SKIP_START=true); start it with: systemctl start kedge"
        return
    fi
    if [ "${CHANGED}" = true ] || ! systemctl is-active --quiet kedge; then
        info "Starting kedge.service"
        systemctl restart kedge
    else
        info "kedge.service already running, no change detected"
    fi
}

# --- no systemd: a background process ---
start_background() {
    if [ "${INSTALL_KEDGE_SKIP_START}" = true ]; then
        info "Not starting kedge (INSTALL_KEDGE_SKIP_START=true)"
        return
    fi
    if [ -f "${PID_FILE}" ] && kill -0 "$(cat "${PID_FILE}")" 2>/dev/null; then
        info "kedge server already running (pid $(cat "${PID_FILE}")), no change detected"
        return
    fi
    info "No systemd: starting kedge server in the background, logging to ${LOG_FILE}"
    # INSTALL_KEDGE_EXEC holds several flags: word splitting is wanted.
    # shellcheck disable=SC2086
    nohup "${NODE_BIN}" "${REPO_DIR}/bin/kedge.mjs" server ${INSTALL_KEDGE_EXEC} >>"${LOG_FILE}" 2>&1 </dev/null &
    echo $! >"${PID_FILE}"
}

start_kedge() {
    if [ "${HAS_SYSTEMD}" = true ]; then
        start_systemd
    else
        start_background
    fi
}

# --- readiness and what to do next ---
ready_once() {
    if command -v curl >/dev/null 2>&1; then
        curl -ksf -o /dev/null --max-time 2 "https://127.0.0.1:${HTTPS_PORT}/readyz"
    else
        "${NODE_BIN}" -e "require('https').get({host:'127.0.0.1',port:${HTTPS_PORT},path:'/readyz',rejectUnauthorized:false,timeout:2000},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
    fi
}

log_hint() {
    if [ "${HAS_SYSTEMD}" = true ]; then
        echo "journalctl -u kedge"
    else
        echo "tail ${LOG_FILE}"
    fi
}

wait_ready() {
    [ "${INSTALL_KEDGE_SKIP_START}" = true ] && return
    info "Waiting for https://127.0.0.1:${HTTPS_PORT}/readyz"
    i=0
    while ! ready_once; do
        if [ "${HAS_SYSTEMD}" = false ] && ! kill -0 "$(cat "${PID_FILE}")" 2>/dev/null; then
            tail -n 20 "${LOG_FILE}" >&2 || true
            fatal "kedge server exited; see ${LOG_FILE}"
        fi
        i=$((i + 1))
        [ "${i}" -lt 60 ] || fatal "kedge server not ready after 60 s; see: $(log_hint)"
        sleep 1
    done
    info "kedge server is ready"
}

print_next_steps() {
    [ "${INSTALL_KEDGE_SKIP_START}" = true ] && return
    HOST_IP=$(hostname -I 2>/dev/null | awk '{print $1}')
    [ -n "${HOST_IP}" ] || HOST_IP=$(hostname)
    echo
    echo "kedge is running. Try:"
    echo "  kedge get nodes"
    echo "  kedge apply -f ${REPO_DIR}/examples/hello.yaml"
    if [ -r "${DATA_DIR}/token" ]; then
        echo
        echo "Join another node (from a kedge checkout on it):"
        echo "  sudo kedge agent --server https://${HOST_IP}:${HTTPS_PORT} --token $(cat "${DATA_DIR}/token")"
    else
        warn "${DATA_DIR}/token not found; the join command is in the server log ($(log_hint))"
    fi
    echo
    echo "Admin kubeconfig: ${DATA_DIR}/kedge.yaml (for a laptop: sudo kedge kubeconfig --server https://${HOST_IP}:${HTTPS_PORT})"
}

trap cleanup EXIT
trap 'exit 130' INT TERM

{
    verify_root
    setup_env
    verify_node
    install_containerd
    install_node_modules
    install_binary
    start_kedge
    wait_ready
    print_next_steps
}
