"""AssumeRoleWithWebIdentity with botocore, unsigned as the SDKs send it, once per token.

Usage: botocore_web_identity.py ENDPOINT_URL ROLE_ARN TOKENS_JSON
TOKENS_JSON is a file holding {"name": "token", ...}. Prints one JSON object: for each name,
{"arn": ..., "subject": ..., "audience": ...} on success, or {"code": ..., "status": ...} as
botocore parsed STS's error.
"""

import json
import sys

import botocore.session
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError


def main(endpoint_url, role_arn, tokens_file):
    with open(tokens_file) as f:
        tokens = json.load(f)
    sts = botocore.session.get_session().create_client(
        "sts",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1, "mode": "standard"}),
    )
    results = {}
    for name, token in tokens.items():
        try:
            answer = sts.assume_role_with_web_identity(
                RoleArn=role_arn, RoleSessionName="botocore-" + name, WebIdentityToken=token
            )
            results[name] = {
                "arn": answer["AssumedRoleUser"]["Arn"],
                "subject": answer["SubjectFromWebIdentityToken"],
                "audience": answer["Audience"],
            }
        except ClientError as e:
            results[name] = {
                "code": e.response["Error"]["Code"],
                "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
            }
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
