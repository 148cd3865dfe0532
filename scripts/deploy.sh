#!/usr/bin/env bash
# `make deploy`: the built stack to AWS, then the pages, the keys (once) and a CloudFront invalidation.
#
#   STACK=yuekang-code AWS_REGION=ap-east-1 PARAMS_FILE=deploy.params scripts/deploy.sh
#
# Run `make build` (sam build) first. Parameters come from PARAMS_FILE (default deploy.params, kept out of git):
# one Key=Value per line, # for comments, e.g. IdentityProviderUrl=https://... and AlarmEmail=ops@example.org.
# InboundPageUrl and CodePageUrl (the 葵花码 poster's second QR) are filled in from the stack's SiteUrl output unless the
# file sets them (a custom domain). On the very
# first deploy the site's URL does not exist yet: the stack is deployed once with a placeholder that can never
# resolve (https://pending.invalid/...), then again with the URL CloudFront gave it. Between the two nothing can
# be issued: the keys are written only after the second.
#
# OriginVerifySecret (template.yaml: CloudFront's X-Origin-Verify, which lets the functions believe the viewer's
# address) is generated here, 32 random bytes in hex, on the first deploy of a stack that does not have it yet;
# later deploys do not pass it, so `sam deploy` keeps the stack's previous value (UsePreviousValue). It is never
# printed (NoEcho). To rotate it, set OriginVerifySecret=<32-128 of A-Z a-z 0-9 _ -> in PARAMS_FILE.
set -euo pipefail
cd "$(dirname "$0")/.."

STACK=${STACK:-yuekang-code}
REGION=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
PARAMS_FILE=${PARAMS_FILE:-deploy.params}
PY=${PY:-.venv/bin/python}
PLACEHOLDER_SITE=https://pending.invalid

# sam: the one `make build` installed (.venv-sam), else whatever is on PATH
SAM=${SAM:-$([ -x .venv-sam/bin/sam ] && echo .venv-sam/bin/sam || echo sam)}
for tool in aws "$SAM"; do
  command -v "$tool" >/dev/null || { echo "deploy: $tool is not installed (see README, Deploy to AWS)" >&2; exit 1; }
done
[ -n "$REGION" ] || { echo "deploy: set AWS_REGION" >&2; exit 1; }
export AWS_REGION="$REGION" AWS_DEFAULT_REGION="$REGION"
[ -f .aws-sam/build/template.yaml ] || { echo "deploy: nothing built; run make build first" >&2; exit 1; }
[ .aws-sam/build/template.yaml -nt template.yaml ] || { echo "deploy: template.yaml changed since the build; run make build" >&2; exit 1; }

params=()
inbound_page=""
code_page=""
origin_verify_given=""
if [ -f "$PARAMS_FILE" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%%#*}"
    line="${line#"${line%%[![:space:]]*}"}"; line="${line%"${line##*[![:space:]]}"}"  # trimmed
    [ -n "$line" ] || continue
    case "$line" in
      InboundPageUrl=*) inbound_page="${line#InboundPageUrl=}" ;;
      CodePageUrl=*) code_page="${line#CodePageUrl=}" ;;
      OriginVerifySecret=*) origin_verify_given=1; params+=("$line") ;;
      *) params+=("$line") ;;
    esac
  done < "$PARAMS_FILE"
fi

output() {  # output <OutputKey>: one of the stack's Outputs (template.yaml, Outputs)
  aws cloudformation describe-stacks --stack-name "$STACK" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}

stack_exists() {
  aws cloudformation describe-stacks --stack-name "$STACK" >/dev/null 2>&1
}

sam_deploy() {  # sam_deploy <site>: one --parameter-overrides string, "Key=Value Key=Value ..."
  local overrides="InboundPageUrl=${inbound_page:-$1/inbound.html} CodePageUrl=${code_page:-$1/}"
  local pair
  for pair in ${params[@]+"${params[@]}"}; do overrides="$overrides $pair"; done
  "$SAM" deploy --stack-name "$STACK" --region "$REGION" --resolve-s3 --capabilities CAPABILITY_IAM \
    --no-confirm-changeset --no-fail-on-empty-changeset --parameter-overrides "$overrides"
}

stack_has_parameter() {  # stack_has_parameter <ParameterKey>: the deployed stack already takes it
  [ "$(aws cloudformation describe-stacks --stack-name "$STACK" \
    --query "Stacks[0].Parameters[?ParameterKey=='$1'].ParameterKey" --output text 2>/dev/null)" = "$1" ]
}

if [ -z "$origin_verify_given" ] && ! stack_has_parameter OriginVerifySecret; then
  echo "deploy: generating OriginVerifySecret (kept by the stack from now on)"
  params+=("OriginVerifySecret=$(head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \n')")
fi

if { [ -z "$inbound_page" ] || [ -z "$code_page" ]; } && ! stack_exists; then
  echo "deploy: first deploy of $STACK: once with a placeholder site URL for the pages, then with the site's own"
  sam_deploy "$PLACEHOLDER_SITE"
fi
site_url=""
if [ -z "$inbound_page" ] || [ -z "$code_page" ]; then site_url=$(output SiteUrl); fi
sam_deploy "$site_url"

site=$(output SiteUrl)
bucket=$(output SiteBucketName)
distribution=$(output DistributionId)
secret=$(output AppSecretArn)

echo "deploy: keys (once; a no-op when the secret already holds them)"
"$PY" -m infra.keys init --secret-id "$secret" --if-needed

echo "deploy: web/ to s3://$bucket"
# The pages' file names carry no version: browsers revalidate every file (ETag), so a page and its script match.
aws s3 sync web/ "s3://$bucket/" --delete --cache-control "no-cache" --exclude "*.md"

echo "deploy: invalidating CloudFront $distribution"
aws cloudfront create-invalidation --distribution-id "$distribution" --paths "/*" --query Invalidation.Id --output text

echo "deploy: waiting for CloudFront to deploy, then checking $site"
aws cloudfront wait distribution-deployed --id "$distribution"
curl -fsS --retry 10 --retry-delay 15 --retry-all-errors "$site/v1/health" && echo
curl -fsS -o /dev/null -w "index.html %{http_code}\n" "$site/"
echo "deploy: done. Site: $site  (InboundPageUrl=${inbound_page:-$site/inbound.html}, CodePageUrl=${code_page:-$site/})"
