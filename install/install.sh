#!/bin/sh
# kedge installer: the server, or an agent that joins one.
#
# A server, from a kedge checkout (builds the single executable from source):
#   sudo ./install/install.sh
#
# An agent, from the server itself (it serves this script and the kedge binary):
#   curl -sfLk https://SERVER:6443/install.sh | KEDGE_URL=https://SERVER:6443 KEDGE_TOKEN=K10... sh -
#
# The agent fetches the server's CA without trust, checks its sha256 against the hash inside
# the token, and from then on talks to the server only through that CA. The binary's sha256
# is checked before it is installed. Running the script again with the same settings changes
# nothing ("no change detected").
#
# Environment variables:
#   - KEDGE_URL
#     The server to join (https://SERVER:6443). Set: install an agent. Unset: install a server.
#   - KEDGE_TOKEN
#     The join token (the server's <data-dir>/token). Required with KEDGE_URL unless
#     KEDGE_TOKEN_FILE is set.
#   - KEDGE_TOKEN_FILE
#     A file holding the join token, instead of KEDGE_TOKEN.
#   - KEDGE_NODE_NAME
#     This node's name (default: the host name, lower-cased, up to the first dot).
#   - KEDGE_*
#     Every variable starting with KEDGE_ goes into the service's env file (mode 0600) and is
#     read by kedge: KEDGE_DATA_DIR, KEDGE_HTTPS_PORT, KEDGE_TLS_SAN, KEDGE_NODE_LABELS, ...
#     (see `kedge server --help` and `kedge agent --help`).
#   - INSTALL_KEDGE_EXEC
#     Extra flags for `kedge server` or `kedge agent`, e.g. "--tls-san pi.lan".
#   - INSTALL_KEDGE_BIN_DIR
#     Where kedge, kedge-killall.sh and kedge-uninstall.sh go (default /usr/local/bin).
#   - INSTALL_KEDGE_BINARY
#     A kedge executable on this machine to install instead of downloading or building one;
#     checked against INSTALL_KEDGE_BINARY.sha256 when that file exists.
#   - INSTALL_KEDGE_SKIP_START
#     true: install and enable the service, but do not start it.
#   - INSTALL_KEDGE_SKIP_CONTAINERD
#     true: do not install containerd and runc, nor the CNI plugins and nftables of the pod
#     network, when they are missing.
#   - INSTALL_KEDGE_SYMLINK
#     skip: do not link kubectl to kedge (by default the link is made only where no kubectl
#     exists; kedge's commands take kubectl's syntax: kubectl get, apply, delete, ...).
#   - INSTALL_KEDGE_INIT
#     systemd, openrc or none (default: detected). none starts kedge in the background with
#     nohup, for containers and CI machines that run no init system; it does not survive a reboot.
#   - INSTALL_KEDGE_ROOT
#     A directory standing for /: every file is written under it, the paths written into the
#     unit and scripts carry it, the data dirs default to it, and the Raspberry Pi checks read
#     its /proc, /sys and /boot. For tests. With systemd or openrc nothing is enabled or started.
set -e
set -o noglob

# --- helpers ---
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

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | awk '{print $1}'
    else
        shasum -a 256 "$1" | awk '{print $1}'
    fi
}

# Installs $1 (a file in TMP_DIR) as $2 with mode $3 unless it is already there; WRITTEN=true if written.
install_file() {
    WRITTEN=false
    if [ -f "$2" ] && [ ! -L "$2" ] && cmp -s "$1" "$2" && [ "$(stat -c %a "$2")" = "$3" ]; then
        info "$2: unchanged"
        return 0
    fi
    mkdir -p "$(dirname "$2")"
    chmod "$3" "$1"
    mv -f "$1" "$2"
    WRITTEN=true
    info "Wrote $2"
}

# Like install_file, for what the running service reads: a change means a restart.
install_service_file() {
    install_file "$@"
    if [ "${WRITTEN}" = true ]; then
        CHANGED=true
    fi
}

# --- settings from the environment ---
setup_env() {
    TMP_DIR=""
    ROOT=${INSTALL_KEDGE_ROOT%/}
    if [ -n "${ROOT}" ]; then
        case "${ROOT}" in
            /*) ;;
            *) fatal "INSTALL_KEDGE_ROOT=${INSTALL_KEDGE_ROOT}: must be an absolute path" ;;
        esac
        mkdir -p "${ROOT}"
    elif [ "$(id -u)" -ne 0 ]; then
        fatal "kedge installs system files and runs containers: run install.sh as root (with sudo)"
    fi

    if [ -n "${KEDGE_URL}" ]; then
        ROLE=agent
        SERVICE=kedge-agent
    else
        ROLE=server
        SERVICE=kedge
        [ -z "${KEDGE_TOKEN}${KEDGE_TOKEN_FILE}" ] || warn "KEDGE_TOKEN and KEDGE_TOKEN_FILE are for agents (with KEDGE_URL); the server makes its own token"
    fi

    BIN_DIR=${ROOT}${INSTALL_KEDGE_BIN_DIR:-/usr/local/bin}
    KEDGE_BIN=${BIN_DIR}/kedge
    KILLALL=${BIN_DIR}/kedge-killall.sh
    UNINSTALL=${BIN_DIR}/kedge-uninstall.sh
    ENV_DIR=${ROOT}/etc/kedge
    ENV_FILE=${ENV_DIR}/${SERVICE}.env
    LOG_FILE=${ROOT}/var/log/${SERVICE}.log
    PID_FILE=${ROOT}/run/${SERVICE}.pid
    SYSTEMD_UNIT=${ROOT}/etc/systemd/system/${SERVICE}.service
    START_SCRIPT=${ENV_DIR}/${SERVICE}-start.sh
    OPENRC_SCRIPT=${ROOT}/etc/init.d/${SERVICE}
    STATE_DIR=${ROOT}/var/lib/kedge
    DATA_DIR=${KEDGE_DATA_DIR:-${STATE_DIR}/${ROLE}}
    AGENT_DATA_DIR=${KEDGE_AGENT_DATA_DIR:-${STATE_DIR}/agent}
    [ "${ROLE}" = agent ] && AGENT_DATA_DIR=${DATA_DIR}
    HTTPS_PORT=$(printf '%s\n' "${INSTALL_KEDGE_EXEC}" | sed -n 's/.*--https-port[ =]\([0-9][0-9]*\).*/\1/p')
    HTTPS_PORT=${HTTPS_PORT:-${KEDGE_HTTPS_PORT:-6443}}
    # Where kedge's containers can be: the configured containerd, the system one, kedge's own.
    CONTAINERD_SOCKETS="${KEDGE_CONTAINERD_ADDRESS} ${ROOT}/run/containerd/containerd.sock ${AGENT_DATA_DIR}/containerd/containerd.sock"

    SCRIPT_DIR=""
    case "$0" in
        */install.sh) SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd -P) ;;
    esac
    TMP_DIR=$(mktemp -d)
}

# --- the machine ---
setup_arch() {
    ARCH=$(uname -m)
    case "${ARCH}" in
        x86_64 | amd64) ARCH=amd64 ;;
        aarch64 | arm64) ARCH=arm64 ;;
        armv7l | armv7 | armv8l) ARCH=arm ;;
        armv6l) fatal "armv6l (Raspberry Pi Zero and 1) is not supported: Node.js 20, which kedge is built on, needs armv7 or newer" ;;
        *) fatal "unsupported architecture ${ARCH}: kedge runs on x86_64, aarch64 and armv7l" ;;
    esac
    info "Architecture: ${ARCH}"
}

setup_init() {
    INIT=${INSTALL_KEDGE_INIT}
    if [ -z "${INIT}" ]; then
        if [ -d /run/systemd/system ]; then
            INIT=systemd
        elif [ -x /sbin/openrc-run ]; then
            INIT=openrc
        else
            INIT=none
        fi
    fi
    case "${INIT}" in
        systemd | openrc) info "Init system: ${INIT}" ;;
        none) warn "No systemd or openrc here: kedge will run in the background with nohup and will not start again after a reboot" ;;
        *) fatal "INSTALL_KEDGE_INIT=${INIT}: expected systemd, openrc or none" ;;
    esac
    # With a ROOT prefix the host's init system must not be touched.
    MANAGE_SERVICE=true
    if [ -n "${ROOT}" ] && [ "${INIT}" != none ]; then
        MANAGE_SERVICE=false
    fi
}

# --- the join token and the server's CA (agent) ---
setup_token() {
    [ "${ROLE}" = agent ] || return 0
    case "${KEDGE_URL}" in
        https://*) ;;
        *) fatal "KEDGE_URL=${KEDGE_URL}: expected https://SERVER:6443" ;;
    esac
    KEDGE_URL=${KEDGE_URL%/}
    if [ -n "${KEDGE_TOKEN}" ]; then
        TOKEN=${KEDGE_TOKEN}
    elif [ -n "${KEDGE_TOKEN_FILE}" ]; then
        [ -r "${KEDGE_TOKEN_FILE}" ] || fatal "KEDGE_TOKEN_FILE=${KEDGE_TOKEN_FILE}: cannot read the file"
        TOKEN=$(tr -d ' \n\r\t' <"${KEDGE_TOKEN_FILE}")
    else
        fatal "KEDGE_URL is set, so this installs an agent: set KEDGE_TOKEN (or KEDGE_TOKEN_FILE) to the join token from the server's <data-dir>/token"
    fi
    CA_HASH=$(printf '%s\n' "${TOKEN}" | sed -n 's/^K10\([0-9a-f]\{64\}\)::node:[A-Za-z0-9._~-]\{16,\}$/\1/p')
    [ -n "${CA_HASH}" ] || fatal "the join token is malformed: expected K10<64 hex characters>::node:<secret> (the server's <data-dir>/token)"
    # The header goes through a file so the token never shows up in `ps`.
    (umask 077 && printf 'Authorization: Bearer %s\n' "${TOKEN}" >"${TMP_DIR}/auth-header")
}

verify_curl() {
    command -v curl >/dev/null 2>&1 || fatal "curl is required to download kedge from ${KEDGE_URL} (apt-get install curl, or apk add curl)"
}

pin_server_ca() {
    CA_FILE=${TMP_DIR}/ca.crt
    info "Fetching the CA of ${KEDGE_URL} to check it against the token"
    curl -sfk --max-time 30 -o "${CA_FILE}" "${KEDGE_URL}/cacerts" || fatal "cannot reach ${KEDGE_URL}/cacerts; is the server running and KEDGE_URL right?"
    GOT=$(sha256_of "${CA_FILE}")
    [ "${GOT}" = "${CA_HASH}" ] || fatal "the CA served by ${KEDGE_URL} (sha256 ${GOT}) is not the one the token names (${CA_HASH}): wrong server, or someone in between"
    info "Server CA matches the token; using it for every further request"
}

# Downloads $1 from the server's download point to $2, trusting only the pinned CA.
download() {
    curl -sfL --max-time 600 --cacert "${CA_FILE}" -H "@${TMP_DIR}/auth-header" -o "$2" "${KEDGE_URL}/kedge/v1/download/$1" ||
        fatal "cannot download ${KEDGE_URL}/kedge/v1/download/$1 (a server without a binary for ${ARCH} answers 404: place kedge-linux-${ARCH} in its <data-dir>/dist/)"
}

# --- the kedge binary: from INSTALL_KEDGE_BINARY, the server, or built from this checkout ---
verify_checksum() {
    EXPECTED=$(awk '{print $1; exit}' "$2")
    GOT=$(sha256_of "$1")
    if [ -z "${EXPECTED}" ] || [ "${GOT}" != "${EXPECTED}" ]; then
        fatal "$1: sha256 ${GOT} does not match ${EXPECTED:-an empty checksum} in $2"
    fi
}

checkout_dir() {
    [ -n "${SCRIPT_DIR}" ] && [ -f "${SCRIPT_DIR}/../package.json" ] && grep -q '"name": "kedge"' "${SCRIPT_DIR}/../package.json" || return 1
    (cd "${SCRIPT_DIR}/.." && pwd -P)
}

verify_node() {
    NODE_BIN=$(command -v node || true)
    [ -n "${NODE_BIN}" ] || fatal "building kedge from this checkout needs Node.js 20 or newer and 'node' is not on PATH (sudo keeps only secure_path: sudo env PATH=\"\$PATH\" ./install/install.sh)"
    NODE_MAJOR=$("${NODE_BIN}" -p 'process.versions.node.split(".")[0]')
    [ "${NODE_MAJOR}" -ge 20 ] || fatal "Node.js 20 or newer is required to build kedge, found $("${NODE_BIN}" --version) at ${NODE_BIN}"
    command -v npm >/dev/null 2>&1 || fatal "npm is required next to ${NODE_BIN} to build kedge"
}

build_from_source() {
    REPO_DIR=$1
    verify_node
    # npm ls fails when a dependency is missing or at another version than package.json pins.
    if [ ! -d "${REPO_DIR}/node_modules" ] || ! (cd "${REPO_DIR}" && npm ls --silent >/dev/null 2>&1); then
        info "Installing npm dependencies (npm ci in ${REPO_DIR})"
        (cd "${REPO_DIR}" && npm ci --no-audit --no-fund)
    else
        info "npm dependencies in ${REPO_DIR} are installed"
    fi
    BUILT=${REPO_DIR}/dist/kedge-linux-${ARCH}
    if [ -f "${BUILT}" ] && [ -f "${BUILT}.sha256" ] &&
        [ -z "$(find "${REPO_DIR}" \( -name node_modules -o -name dist -o -name .git \) -prune -o -type f -newer "${BUILT}" -print | head -n 1)" ]; then
        info "${BUILT} is newer than every source file: not rebuilding"
    else
        info "Building the kedge single executable (npm run build in ${REPO_DIR})"
        (cd "${REPO_DIR}" && npm run build --silent)
    fi
    [ -f "${BUILT}" ] || fatal "npm run build did not produce ${BUILT}"
    cp "${BUILT}" "${TMP_DIR}/kedge"
    cp "${BUILT}.sha256" "${TMP_DIR}/kedge.sha256"
}

obtain_binary() {
    if [ -n "${INSTALL_KEDGE_BINARY}" ]; then
        [ -f "${INSTALL_KEDGE_BINARY}" ] || fatal "INSTALL_KEDGE_BINARY=${INSTALL_KEDGE_BINARY}: no such file"
        info "Using ${INSTALL_KEDGE_BINARY}"
        cp "${INSTALL_KEDGE_BINARY}" "${TMP_DIR}/kedge"
        if [ -f "${INSTALL_KEDGE_BINARY}.sha256" ]; then
            cp "${INSTALL_KEDGE_BINARY}.sha256" "${TMP_DIR}/kedge.sha256"
        else
            warn "${INSTALL_KEDGE_BINARY}.sha256 not found: installing without a checksum check"
            sha256_of "${TMP_DIR}/kedge" >"${TMP_DIR}/kedge.sha256"
        fi
    elif [ "${ROLE}" = agent ]; then
        verify_curl
        pin_server_ca
        info "Downloading kedge-linux-${ARCH} from ${KEDGE_URL}"
        download "kedge-linux-${ARCH}.sha256" "${TMP_DIR}/kedge.sha256"
        download "kedge-linux-${ARCH}" "${TMP_DIR}/kedge"
    elif REPO_DIR=$(checkout_dir); then
        build_from_source "${REPO_DIR}"
    else
        fatal "no kedge binary to install: run install.sh from a kedge checkout, set INSTALL_KEDGE_BINARY to a kedge executable, or set KEDGE_URL and KEDGE_TOKEN to install an agent from a server"
    fi
    verify_checksum "${TMP_DIR}/kedge" "${TMP_DIR}/kedge.sha256"
    info "sha256 of kedge checked"
}

install_binary() {
    install_service_file "${TMP_DIR}/kedge" "${KEDGE_BIN}" 755
}

# kubectl -> kedge only where there is no kubectl: kedge's commands take kubectl's syntax.
create_symlinks() {
    [ "${INSTALL_KEDGE_SYMLINK}" = skip ] && return 0
    if [ -L "${BIN_DIR}/kubectl" ] && [ "$(readlink "${BIN_DIR}/kubectl")" = "${KEDGE_BIN}" ]; then
        info "${BIN_DIR}/kubectl: unchanged"
        return 0
    fi
    if [ -e "${BIN_DIR}/kubectl" ] || [ -L "${BIN_DIR}/kubectl" ] || command -v kubectl >/dev/null 2>&1; then
        info "kubectl already installed: not linking it to kedge"
        return 0
    fi
    ln -s "${KEDGE_BIN}" "${BIN_DIR}/kubectl"
    info "Linked ${BIN_DIR}/kubectl -> ${KEDGE_BIN}"
}

# --- containerd and runc ---
install_containerd() {
    if [ "${INSTALL_KEDGE_SKIP_CONTAINERD}" = true ]; then
        info "Skipping containerd (INSTALL_KEDGE_SKIP_CONTAINERD=true)"
        return 0
    fi
    if command -v containerd >/dev/null 2>&1 && command -v runc >/dev/null 2>&1 && command -v ctr >/dev/null 2>&1; then
        info "containerd and runc already installed"
        return 0
    fi
    info "Installing containerd and runc"
    if command -v apt-get >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q containerd runc
    elif command -v apk >/dev/null 2>&1; then
        apk add --no-cache containerd containerd-ctr runc
    elif command -v dnf >/dev/null 2>&1; then
        dnf install -y containerd runc
    elif command -v zypper >/dev/null 2>&1; then
        zypper --non-interactive install containerd runc
    elif command -v pacman >/dev/null 2>&1; then
        pacman -S --noconfirm --needed containerd runc
    else
        fatal "containerd or runc is missing and no known package manager (apt-get, apk, dnf, zypper, pacman) is here: install them, or set INSTALL_KEDGE_SKIP_CONTAINERD=true"
    fi
}

# --- the pod network: the CNI plugins (bridge, host-local, loopback) and nft ---
cni_plugins_present() {
    for CNI_DIR in /usr/lib/cni /opt/cni/bin /usr/libexec/cni; do
        [ -x "${CNI_DIR}/bridge" ] && [ -x "${CNI_DIR}/host-local" ] && [ -x "${CNI_DIR}/loopback" ] && return 0
    done
    return 1
}

install_network_packages() {
    if [ "${INSTALL_KEDGE_SKIP_CONTAINERD}" = true ]; then
        info "Skipping the CNI plugins and nftables (INSTALL_KEDGE_SKIP_CONTAINERD=true)"
        return 0
    fi
    if cni_plugins_present && command -v nft >/dev/null 2>&1; then
        info "CNI plugins and nftables already installed"
        return 0
    fi
    info "Installing the CNI plugins and nftables"
    if command -v apt-get >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q containernetworking-plugins nftables
    elif command -v apk >/dev/null 2>&1; then
        apk add --no-cache cni-plugins nftables
    elif command -v dnf >/dev/null 2>&1; then
        dnf install -y containernetworking-plugins nftables
    elif command -v zypper >/dev/null 2>&1; then
        zypper --non-interactive install cni-plugins nftables
    elif command -v pacman >/dev/null 2>&1; then
        pacman -S --noconfirm --needed cni-plugins nftables
    else
        fatal "the CNI plugins or nft are missing and no known package manager (apt-get, apk, dnf, zypper, pacman) is here: install containernetworking-plugins and nftables, or set INSTALL_KEDGE_SKIP_CONTAINERD=true"
    fi
}

# A Raspberry Pi boots without the memory cgroup unless cmdline.txt asks for it.
check_memory_cgroup() {
    grep -qs 'Raspberry Pi' "${ROOT}/proc/device-tree/model" || return 0
    if [ -f "${ROOT}/sys/fs/cgroup/cgroup.controllers" ]; then
        grep -qw memory "${ROOT}/sys/fs/cgroup/cgroup.controllers" && return 0
    elif awk '$1 == "memory" && $4 == 1 { found = 1 } END { exit !found }' "${ROOT}/proc/cgroups" 2>/dev/null; then
        return 0
    fi
    CMDLINE=/boot/firmware/cmdline.txt
    [ -f "${ROOT}${CMDLINE}" ] || CMDLINE=/boot/cmdline.txt
    warn "This Raspberry Pi runs without the memory cgroup, so containers cannot get memory limits."
    warn "Append cgroup_memory=1 cgroup_enable=memory to the single line of ${CMDLINE} and reboot:"
    warn "  sudo sed -i '1 s/\$/ cgroup_memory=1 cgroup_enable=memory/' ${CMDLINE} && sudo reboot"
}

# --- the env file, the service, the helper scripts ---
# KEDGE_* variables in single quotes: systemd's EnvironmentFile and sh (openrc, nohup) read them alike.
create_env_file() {
    if [ -n "${ROOT}" ]; then
        # Under a ROOT prefix the data must not land in the host's /var/lib/kedge.
        : "${KEDGE_DATA_DIR:=${DATA_DIR}}"
        : "${KEDGE_CACHE_DIR:=${STATE_DIR}/cache}"
        export KEDGE_DATA_DIR KEDGE_CACHE_DIR
        if [ "${ROLE}" = server ]; then
            : "${KEDGE_AGENT_DATA_DIR:=${AGENT_DATA_DIR}}"
            export KEDGE_AGENT_DATA_DIR
        fi
    fi
    [ -n "${KEDGE_URL}" ] && export KEDGE_URL
    env | grep '^KEDGE_[A-Z0-9_]*=' | sort >"${TMP_DIR}/env.raw" || true
    : >"${TMP_DIR}/kedge.env"
    while IFS= read -r line; do
        case "${line}" in
            *\'*) fatal "${line%%=*}: values with a single quote cannot go into ${ENV_FILE}" ;;
        esac
        printf "%s='%s'\n" "${line%%=*}" "${line#*=}" >>"${TMP_DIR}/kedge.env"
    done <"${TMP_DIR}/env.raw"
    install_service_file "${TMP_DIR}/kedge.env" "${ENV_FILE}" 600
}

create_systemd_unit() {
    cat >"${TMP_DIR}/unit" <<EOF
[Unit]
Description=kedge ${ROLE}: lightweight edge container orchestrator
Wants=network-online.target
After=network-online.target containerd.service

[Service]
Type=simple
EnvironmentFile=-${ENV_FILE}
ExecStart=${KEDGE_BIN} ${ROLE}${INSTALL_KEDGE_EXEC:+ ${INSTALL_KEDGE_EXEC}}
Restart=always
RestartSec=5s
# Containers belong to containerd: restarting kedge must not kill them (edge autonomy).
KillMode=process
Delegate=yes
LimitNOFILE=1048576
TasksMax=infinity
TimeoutStartSec=0

[Install]
WantedBy=multi-user.target
EOF
    install_service_file "${TMP_DIR}/unit" "${SYSTEMD_UNIT}" 644
}

create_openrc_script() {
    cat >"${TMP_DIR}/openrc" <<EOF
#!/sbin/openrc-run
# kedge ${ROLE}, written by install.sh.
description="kedge ${ROLE}: lightweight edge container orchestrator"

depend() {
    need net
    use dns containerd
    after firewall
}

supervisor=supervise-daemon
name=${SERVICE}
command="${KEDGE_BIN}"
command_args="${ROLE}${INSTALL_KEDGE_EXEC:+ ${INSTALL_KEDGE_EXEC}}"
output_log="${LOG_FILE}"
error_log="${LOG_FILE}"
pidfile="/run/${SERVICE}.pid"
respawn_delay=5
respawn_max=0

set -o allexport
if [ -f "${ENV_FILE}" ]; then . "${ENV_FILE}"; fi
set +o allexport
EOF
    install_service_file "${TMP_DIR}/openrc" "${OPENRC_SCRIPT}" 755
}

# Without an init system: the script that starts kedge in the background (again after a reboot).
create_start_script() {
    cat >"${TMP_DIR}/start" <<EOF
#!/bin/sh
# Starts kedge ${ROLE} in the background (no init system here). Written by kedge's install.sh.
set -a
# shellcheck source=/dev/null
. '${ENV_FILE}'
set +a
nohup '${KEDGE_BIN}' ${ROLE}${INSTALL_KEDGE_EXEC:+ ${INSTALL_KEDGE_EXEC}} >>'${LOG_FILE}' 2>&1 </dev/null &
echo \$! >'${PID_FILE}'
EOF
    install_service_file "${TMP_DIR}/start" "${START_SCRIPT}" 755
}

create_service() {
    case "${INIT}" in
        systemd) create_systemd_unit ;;
        openrc) create_openrc_script ;;
        none) create_start_script ;;
    esac
}

# The settings the generated scripts need, as shell assignments at their top.
script_settings() {
    cat <<EOF
#!/bin/sh
# $1 Written by kedge's install.sh.
# shellcheck disable=SC2034 # the settings are shared by both scripts; each uses some
SERVICE='${SERVICE}'
INIT='${INIT}'
MANAGE_SERVICE='${MANAGE_SERVICE}'
ROOT='${ROOT}'
BIN_DIR='${BIN_DIR}'
KEDGE_BIN='${KEDGE_BIN}'
KILLALL='${KILLALL}'
ENV_FILE='${ENV_FILE}'
ENV_DIR='${ENV_DIR}'
LOG_FILE='${LOG_FILE}'
PID_FILE='${PID_FILE}'
SYSTEMD_UNIT='${SYSTEMD_UNIT}'
OPENRC_SCRIPT='${OPENRC_SCRIPT}'
START_SCRIPT='${START_SCRIPT}'
STATE_DIR='${STATE_DIR}'
DATA_DIR='${DATA_DIR}'
AGENT_DATA_DIR='${AGENT_DATA_DIR}'
CONTAINERD_SOCKETS='${CONTAINERD_SOCKETS}'
EOF
}

# Stops kedge and the containers it started; kept on the node for maintenance and used by uninstall.
create_killall() {
    script_settings "Stops kedge and every container it runs." >"${TMP_DIR}/killall"
    cat >>"${TMP_DIR}/killall" <<'EOF'
set -x
if [ "$(id -u)" -ne 0 ] && [ -z "${ROOT}" ]; then
    exec sudo "$0" "$@"
fi

# Kills a process and everything under it, children first.
killtree() {
    for KID in $(ps -e -o ppid= -o pid= | awk -v p="$1" '$1 == p { print $2 }'); do
        killtree "${KID}"
    done
    kill -9 "$1" 2>/dev/null || true
}

# stop_pid PID TEXT: SIGTERM, up to 10 s, then SIGKILL — only if PID's command line still holds TEXT
# (a stale pid file must not kill whatever process got the number since).
stop_pid() {
    [ -n "$1" ] && grep -qs "$2" "/proc/$1/cmdline" || return 0
    kill "$1" 2>/dev/null || true
    i=0
    while kill -0 "$1" 2>/dev/null && [ "${i}" -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -9 "$1" 2>/dev/null || true
}

# 1. kedge itself. It stops its own containerd when it stops cleanly; containers outlive it on purpose.
if [ "${MANAGE_SERVICE}" = true ] && [ "${INIT}" = systemd ]; then
    systemctl stop "${SERVICE}" || true
elif [ "${MANAGE_SERVICE}" = true ] && [ "${INIT}" = openrc ]; then
    rc-service "${SERVICE}" stop || true
fi
stop_pid "$(cat "${PID_FILE}" 2>/dev/null || true)" "${KEDGE_BIN}"
rm -f "${PID_FILE}"

# 2. Containers in containerd's "kedge" namespace, through every containerd that still answers.
if command -v ctr >/dev/null 2>&1; then
    for SOCK in ${CONTAINERD_SOCKETS}; do
        if [ ! -S "${SOCK}" ] || ! ctr -a "${SOCK}" version >/dev/null 2>&1; then
            continue
        fi
        for T in $(ctr -a "${SOCK}" -n kedge tasks ls -q 2>/dev/null); do
            ctr -a "${SOCK}" -n kedge tasks kill -a -s SIGKILL "${T}" 2>/dev/null || true
        done
        sleep 1
        for T in $(ctr -a "${SOCK}" -n kedge tasks ls -q 2>/dev/null); do
            ctr -a "${SOCK}" -n kedge tasks rm -f "${T}" 2>/dev/null || true
        done
        for C in $(ctr -a "${SOCK}" -n kedge containers ls -q 2>/dev/null); do
            ctr -a "${SOCK}" -n kedge containers rm "${C}" 2>/dev/null || true
        done
    done
fi

# 3. Containers whose containerd is gone: their shims and everything under them.
for SOCK in ${CONTAINERD_SOCKETS}; do
    for SHIM in $(ps -e -o pid= -o args= | awk -v a="-address ${SOCK}" 'index($0, "containerd-shim") && index($0, "-namespace kedge ") && index($0, a) { print $1 }'); do
        killtree "${SHIM}"
    done
done

# 4. kedge's own containerd (started when no system one answered), if it is still there.
stop_pid "$(cat "${AGENT_DATA_DIR}/containerd/containerd.pid" 2>/dev/null || true)" "${AGENT_DATA_DIR}/containerd"

# 5. Container root filesystems still mounted under the agent's data dir or its containerd state
#    on /run (named after the data dir's sha256, as the agent does), deepest first.
RUN_STATE=/run/kedge/containerd-$(printf '%s' "${AGENT_DATA_DIR}" | sha256sum | cut -c1-12)
awk -v d="${AGENT_DATA_DIR}/" -v r="${RUN_STATE}/" 'index($2, d) == 1 || index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r M; do
    umount "${M}" 2>/dev/null || umount -l "${M}" 2>/dev/null || true
done
rm -rf "${RUN_STATE}"

# 6. Pods' network namespaces (bind mounts under /run/kedge/<node>/network/netns, and the node's own
#    at .../network/host-netns); the agent frees their addresses at its next start, from its journal.
#    A test install leaves the host's /run alone.
if [ -z "${ROOT}" ]; then
    awk 'index($2, "/run/kedge/") == 1 && (index($2, "/network/netns/") || index($2, "/network/host-netns")) { print $2 }' /proc/self/mounts | while read -r M; do
        umount "${M}" 2>/dev/null || umount -l "${M}" 2>/dev/null || true
    done
fi
rmdir /run/kedge 2>/dev/null || true

# 7. The node's network, which outlives the agent on purpose: kedge's routes (protocol 66, no
#    other route is touched), its devices and its nftables table. A test install under
#    INSTALL_KEDGE_ROOT leaves the host's network alone.
if [ -z "${ROOT}" ]; then
    if command -v ip >/dev/null 2>&1; then
        ip route flush proto 66 2>/dev/null || true
        for DEV in kedge.vxlan kedge-svc kedge0; do
            ip link delete "${DEV}" 2>/dev/null || true
        done
    fi
    if command -v nft >/dev/null 2>&1; then
        nft delete table ip kedge 2>/dev/null || true
    fi
fi
EOF
    install_file "${TMP_DIR}/killall" "${KILLALL}" 755
}

# Removes what this installer wrote (and the data kedge keeps), and nothing else.
create_uninstall() {
    script_settings "Removes kedge and the files its installer wrote." >"${TMP_DIR}/uninstall"
    cat >>"${TMP_DIR}/uninstall" <<'EOF'
set -x
if [ "$(id -u)" -ne 0 ] && [ -z "${ROOT}" ]; then
    exec sudo "$0" "$@"
fi

"${KILLALL}"

if [ "${MANAGE_SERVICE}" = true ] && [ "${INIT}" = systemd ]; then
    systemctl disable "${SERVICE}" || true
    systemctl reset-failed "${SERVICE}" || true
    rm -f "${SYSTEMD_UNIT}"
    systemctl daemon-reload
elif [ "${MANAGE_SERVICE}" = true ] && [ "${INIT}" = openrc ]; then
    rc-update delete "${SERVICE}" default || true
fi
rm -f "${SYSTEMD_UNIT}" "${OPENRC_SCRIPT}" "${START_SCRIPT}" "${ENV_FILE}" "${LOG_FILE}" "${PID_FILE}"
rmdir "${ENV_DIR}" 2>/dev/null || true

# The kubectl link only if it is ours.
if [ -L "${BIN_DIR}/kubectl" ] && [ "$(readlink "${BIN_DIR}/kubectl")" = "${KEDGE_BIN}" ]; then
    rm -f "${BIN_DIR}/kubectl"
fi
rm -rf "${DATA_DIR}" "${AGENT_DATA_DIR}" "${STATE_DIR}/cache"
rmdir "${STATE_DIR}" 2>/dev/null || true
# The agent's files on the /run tmpfs (containerd state, ConfigMap and Secret volumes); a test
# install under INSTALL_KEDGE_ROOT leaves the host's /run alone.
[ -n "${ROOT}" ] || rm -rf /run/kedge
rm -f "${KEDGE_BIN}" "${KILLALL}"
echo "containerd, runc, the CNI plugins and nftables are system packages and stay installed; remove them with the package manager if nothing else needs them"
rm -f "$0"
EOF
    install_file "${TMP_DIR}/uninstall" "${UNINSTALL}" 755
}

# --- start ---
running_in_background() {
    [ -f "${PID_FILE}" ] && PID=$(cat "${PID_FILE}") && grep -qs "${KEDGE_BIN}" "/proc/${PID}/cmdline"
}

stop_background() {
    info "Stopping kedge ${ROLE} (pid ${PID})"
    kill "${PID}" 2>/dev/null || true
    i=0
    while kill -0 "${PID}" 2>/dev/null; do
        i=$((i + 1))
        if [ "${i}" -ge 100 ]; then
            kill -9 "${PID}" 2>/dev/null || true
        fi
        sleep 0.1
    done
}

start_background() {
    if running_in_background; then
        stop_background
    fi
    mkdir -p "$(dirname "${LOG_FILE}")" "$(dirname "${PID_FILE}")"
    info "Starting kedge ${ROLE} in the background with ${START_SCRIPT}, logging to ${LOG_FILE}"
    "${START_SCRIPT}"
}

service_running() {
    case "${INIT}" in
        systemd) systemctl is-active --quiet "${SERVICE}" ;;
        openrc) rc-service "${SERVICE}" status >/dev/null 2>&1 ;;
        none) running_in_background ;;
    esac
}

enable_service() {
    case "${INIT}" in
        systemd)
            if [ "${CHANGED}" = true ]; then
                systemctl daemon-reload
            fi
            systemctl enable "${SERVICE}" >/dev/null 2>&1
            ;;
        openrc) rc-update add "${SERVICE}" default >/dev/null ;;
        none) ;;
    esac
}

start_service() {
    info "Starting ${SERVICE}"
    case "${INIT}" in
        systemd) systemctl restart "${SERVICE}" ;;
        openrc) rc-service "${SERVICE}" restart ;;
        none) start_background ;;
    esac
}

# Starts (or restarts, when something it reads changed) the service; leaves it alone otherwise.
start_kedge() {
    if [ "${MANAGE_SERVICE}" != true ]; then
        info "INSTALL_KEDGE_ROOT is set: not enabling or starting the ${INIT} service of this host"
    else
        enable_service
        if [ "${INSTALL_KEDGE_SKIP_START}" = true ]; then
            info "Not starting ${SERVICE} (INSTALL_KEDGE_SKIP_START=true)"
        elif [ "${CHANGED}" = true ] || ! service_running; then
            start_service
            return 0
        fi
    fi
    if [ "${CHANGED}" != true ]; then
        info "No change detected"
    fi
}

# --- readiness and what to do next ---
log_hint() {
    case "${INIT}" in
        systemd) echo "journalctl -u ${SERVICE}" ;;
        *) echo "tail ${LOG_FILE}" ;;
    esac
}

# Whether the process we just started is gone. Not running_in_background: for a moment after the
# fork its command line is still the start script's, not kedge's.
service_died() {
    [ "${INIT}" = none ] && ! { [ -f "${PID_FILE}" ] && kill -0 "$(cat "${PID_FILE}")" 2>/dev/null; }
}

wait_ready() {
    if [ "${INSTALL_KEDGE_SKIP_START}" = true ] || [ "${MANAGE_SERVICE}" != true ]; then
        return 0
    fi
    if [ "${ROLE}" = server ]; then
        info "Waiting for https://127.0.0.1:${HTTPS_PORT}/readyz"
        READY_FILE=${DATA_DIR}/token
    else
        info "Waiting for the node to join ${KEDGE_URL}"
        READY_FILE=${DATA_DIR}/credentials.json
    fi
    i=0
    while :; do
        if [ "${ROLE}" = server ]; then
            curl -ksf -o /dev/null --max-time 2 "https://127.0.0.1:${HTTPS_PORT}/readyz" && [ -f "${READY_FILE}" ] && break
        else
            [ -f "${READY_FILE}" ] && break
        fi
        if service_died; then
            tail -n 20 "${LOG_FILE}" >&2 || true
            fatal "kedge ${ROLE} exited; see ${LOG_FILE}"
        fi
        i=$((i + 1))
        [ "${i}" -lt 120 ] || fatal "kedge ${ROLE} not ready after 60 s; see: $(log_hint)"
        sleep 0.5
    done
    info "kedge ${ROLE} is ready"
}

print_next_steps() {
    echo
    if [ "${MANAGE_SERVICE}" != true ] || [ "${INSTALL_KEDGE_SKIP_START}" = true ]; then
        echo "kedge ${ROLE} installed (not started)."
    elif [ "${ROLE}" = agent ]; then
        echo "kedge agent is running as node ${KEDGE_NODE_NAME:-$(hostname | cut -d. -f1 | tr '[:upper:]' '[:lower:]')}; on the server: kedge get nodes"
    else
        HOST_IP=$(hostname -I 2>/dev/null | awk '{print $1}')
        [ -n "${HOST_IP}" ] || HOST_IP=$(hostname)
        echo "kedge server is running. Try: sudo kedge get nodes"
        if [ -r "${DATA_DIR}/token" ]; then
            echo
            echo "Join a node (a Raspberry Pi, ...) with:"
            echo "  curl -sfLk https://${HOST_IP}:${HTTPS_PORT}/install.sh | sudo KEDGE_URL=https://${HOST_IP}:${HTTPS_PORT} KEDGE_TOKEN=$(cat "${DATA_DIR}/token") sh -"
        fi
        echo
        echo "Admin kubeconfig: ${DATA_DIR}/kedge.yaml (for a laptop: sudo kedge kubeconfig --server https://${HOST_IP}:${HTTPS_PORT})"
    fi
    echo "Uninstall with: ${UNINSTALL}"
}

# Run from a file as a user with sudo: become root, keeping PATH so the same node is found.
if [ "$(id -u)" -ne 0 ] && [ -z "${INSTALL_KEDGE_ROOT}" ] && [ -f "$0" ] && command -v sudo >/dev/null 2>&1; then
    exec sudo env PATH="${PATH}" sh "$0" "$@"
fi

trap cleanup EXIT
trap 'exit 130' INT TERM

{
    CHANGED=false
    setup_env
    setup_arch
    setup_init
    setup_token
    obtain_binary
    install_containerd
    install_network_packages
    check_memory_cgroup
    install_binary
    create_symlinks
    create_env_file
    create_service
    create_killall
    create_uninstall
    start_kedge
    wait_ready
    print_next_steps
}
