#!/usr/bin/env bash
# Checks deploy/ without Docker or a cluster: the compose file and the Kubernetes manifests
# parse, hang together (probes, Services, ConfigMaps, Secrets, URLs between services), and
# every crocevia configuration in them, and in deploy/config/, passes `crocevia check-config`
# (unknown keys and bad values fail). Needs python3 with PyYAML.
#   deploy/scripts/check-deploy.sh            (CROCEVIA_BIN: target/debug/crocevia)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="${CROCEVIA_BIN:-$ROOT/target/debug/crocevia}"
[ -x "$BIN" ] || { echo "no crocevia binary at $BIN (cargo build -p crocevia)" >&2; exit 1; }
cd "$ROOT"
exec python3 - "$BIN" <<'PY'
import glob, os, re, secrets, subprocess, sys, tempfile
import yaml

# Secrets the operator creates (deploy/k8s/config.yaml says how); never in the manifests.
OPERATOR_SECRETS = {
    "crocevia-secrets": {
        "database-url": "postgres://crocevia:checked@postgres:5432/crocevia",
        "jwt-secret": secrets.token_hex(32),
        "service-token": secrets.token_hex(32),
        "smtp-url": "smtp://crocevia:checked@mail.example.org:587",
    }
}

BIN = sys.argv[1]
ROLES = ["profiles", "search", "matching", "insights", "gateway"]
failures = []

def fail(msg):
    failures.append(msg)

def check_config(where, toml_text, env):
    """Runs `crocevia check-config` with only this config file and these variables."""
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
        f.write(toml_text)
        path = f.name
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CROCEVIA__")}
    clean.update(env)
    out = subprocess.run([BIN, "--config", path, "check-config"], env=clean, capture_output=True, text=True)
    os.unlink(path)
    if out.returncode != 0:
        fail(f"{where}: {out.stderr.strip() or out.stdout.strip()}")

# Local processes (make up).
for role in ROLES:
    text = open(f"deploy/config/{role}.toml").read()
    check_config(f"deploy/config/{role}.toml", text, {})
    calls = {"gateway": ("profiles_url", "matching_url"), "profiles": ("search_url", "matching_url")}
    for key in calls.get(role, ()):
        port = re.search(rf'^{key} = "http://127.0.0.1:(\d+)"', text, re.M)
        target = key.split("_")[0]
        want = re.search(r"^port = (\d+)", open(f"deploy/config/{target}.toml").read(), re.M)
        if not port or not want or port.group(1) != want.group(1):
            fail(f"deploy/config/{role}.toml: {key} does not point at {target}.toml's port")

# Compose.
compose = yaml.safe_load(open("deploy/compose.yaml"))
services = compose["services"]
for name in ["kafka", "postgres"] + ROLES:
    if name not in services:
        fail(f"compose.yaml: no service {name}")
for role in ROLES:
    s = services.get(role, {})
    if s.get("command", [None, None])[:2] != ["serve", role]:
        fail(f"compose.yaml: {role} does not run `serve {role}`")
    if "/readyz" not in " ".join(s.get("healthcheck", {}).get("test", [])):
        fail(f"compose.yaml: {role} has no /readyz health check")
    # ${VAR:-default} takes its default; ${VAR:?message} is a value the operator must give
    # (deploy/.env): a fresh random one stands in for it.
    env = {
        k: re.sub(r"\$\{[A-Z_]+:\?[^}]*\}", lambda _: secrets.token_hex(32), re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(v)))
        for k, v in s.get("environment", {}).items()
    }
    if ":?" in str(s.get("environment", {}).get("CROCEVIA__MAIL__SMTP_URL", "")):
        env["CROCEVIA__MAIL__SMTP_URL"] = OPERATOR_SECRETS["crocevia-secrets"]["smtp-url"]
    for k, v in s.get("environment", {}).items():
        if k in ("CROCEVIA__GATEWAY__JWT_SECRET", "CROCEVIA__GATEWAY__SERVICE_TOKEN", "CROCEVIA__MAIL__SMTP_URL") and ":?" not in str(v):
            fail(f"compose.yaml: {role}'s {k} must come from deploy/.env (${{VAR:?...}}), not a committed value")
    for k, v in env.items():
        if k.endswith("_URL") and k.startswith("CROCEVIA__GATEWAY__"):
            host = v.split("://", 1)[-1].split(":")[0]
            if host not in services:
                fail(f"compose.yaml: {k} names {host}, not a compose service")
    check_config(f"compose.yaml {role}", "", env)

# Kubernetes.
docs = []
for f in sorted(glob.glob("deploy/k8s/*.yaml")):
    for d in yaml.safe_load_all(open(f)):
        if d:
            docs.append((os.path.basename(f), d))
kustomization = next((d for f, d in docs if d.get("kind") == "Kustomization"), {})
for f in sorted({f for f, _ in docs} - {"kustomization.yaml"}):
    if f not in kustomization.get("resources", []):
        fail(f"k8s: {f} is not listed in kustomization.yaml")
by_kind = {}
for f, d in docs:
    by_kind.setdefault(d["kind"], {})[d.get("metadata", {}).get("name")] = d
configmaps, secrets_in_manifests = by_kind.get("ConfigMap", {}), by_kind.get("Secret", {})
workloads = {**by_kind.get("Deployment", {}), **by_kind.get("StatefulSet", {})}
for name, svc in by_kind.get("Service", {}).items():
    selector = svc["spec"]["selector"]
    if not any(selector.items() <= w["spec"]["template"]["metadata"]["labels"].items() for w in workloads.values()):
        fail(f"k8s: Service {name} selects no pods")
for name in ["kafka", "postgres"] + ROLES:
    if name not in workloads or name not in by_kind.get("Service", {}):
        fail(f"k8s: no workload and Service named {name}")
for role in ROLES:
    d = by_kind.get("Deployment", {}).get(role) or by_kind.get("StatefulSet", {}).get(role)
    if not d:
        fail(f"k8s: no Deployment or StatefulSet {role}")
        continue
    c = d["spec"]["template"]["spec"]["containers"][0]
    if c.get("readinessProbe", {}).get("httpGet", {}).get("path") != "/readyz":
        fail(f"k8s: {role} readiness probe is not /readyz")
    if c.get("livenessProbe", {}).get("httpGet", {}).get("path") != "/healthz":
        fail(f"k8s: {role} liveness probe is not /healthz")
    args = c.get("args", [])
    if args[-2:] != ["serve", role] or "--config" not in args:
        fail(f"k8s: {role} does not run `--config ... serve {role}`")
        continue
    config_path = args[args.index("--config") + 1]
    mounts = {m["name"]: m["mountPath"] for m in c.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in d["spec"]["template"]["spec"].get("volumes", [])}
    text = None
    for vname, mount in mounts.items():
        cm = volumes.get(vname, {}).get("configMap")
        if cm and config_path.startswith(mount + "/"):
            text = configmaps.get(cm["name"], {}).get("data", {}).get(config_path[len(mount) + 1:])
    if text is None:
        fail(f"k8s: {role}'s {config_path} is in no mounted ConfigMap")
        continue
    env = {}
    for e in c.get("env", []):
        if "value" in e:
            env[e["name"]] = str(e["value"])
        elif "fieldRef" in e["valueFrom"]:
            env[e["name"]] = f"{role}-0"
        else:
            ref = e["valueFrom"]["secretKeyRef"]
            if ref["name"] in secrets_in_manifests:
                fail(f"k8s: Secret {ref['name']} is committed in deploy/k8s; the operator creates it")
            value = OPERATOR_SECRETS.get(ref["name"], {}).get(ref["key"]) or secrets_in_manifests.get(ref["name"], {}).get("stringData", {}).get(ref["key"])
            if value is None:
                fail(f"k8s: {role}'s {e['name']} names a missing Secret key {ref['name']}/{ref['key']}")
                continue
            env[e["name"]] = value
    for line in re.findall(r'_url = "([^"]+)"', text):
        for host in re.findall(r"http://([a-z0-9.-]+):", line):
            # pod.service (a StatefulSet pod behind a headless Service) or service.
            parts = host.split(".")
            service = parts[1] if len(parts) > 1 else parts[0]
            sset = by_kind.get("StatefulSet", {}).get(service)
            if service not in by_kind.get("Service", {}):
                fail(f"k8s: {role}'s config calls {host}, which is no Service")
            elif len(parts) > 1:
                pod = parts[0]
                replicas = sset["spec"].get("replicas", 1) if sset else 0
                if not sset or pod not in {f"{service}-{i}" for i in range(replicas)}:
                    fail(f"k8s: {role}'s config calls {host}, which is no pod of StatefulSet {service}")
    check_config(f"k8s {role}", text, env)

# The public door: an Ingress with TLS in front of the gateway Service's port, the only one.
ingresses = by_kind.get("Ingress", {})
if not ingresses:
    fail("k8s: no Ingress (the gateway is published through one, with TLS)")
for name, ing in ingresses.items():
    spec = ing["spec"]
    if not spec.get("tls") or not all(t.get("secretName") for t in spec["tls"]):
        fail(f"k8s: Ingress {name} has no TLS Secret")
    tls_hosts = {h for t in spec.get("tls", []) for h in t.get("hosts", [])}
    for rule in spec.get("rules", []):
        if rule.get("host") not in tls_hosts:
            fail(f"k8s: Ingress {name} serves {rule.get('host')} without TLS")
        for path in rule.get("http", {}).get("paths", []):
            backend = path["backend"]["service"]
            svc = by_kind.get("Service", {}).get(backend["name"])
            ports = {p.get("name") for p in (svc or {}).get("spec", {}).get("ports", [])}
            if backend["name"] != "gateway" or backend["port"].get("name") not in ports:
                fail(f"k8s: Ingress {name} does not lead to the gateway Service's port")
for role, s in services.items():
    for port in s.get("ports", []):
        if not str(port).startswith("127.0.0.1:"):
            fail(f"compose.yaml: {role} publishes {port} on every interface; bind 127.0.0.1")

if failures:
    print("deploy/ has problems:", *failures, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print("deploy/: compose, Kubernetes manifests and configs are consistent")
PY
