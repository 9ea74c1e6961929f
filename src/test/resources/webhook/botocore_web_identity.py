"""Runs botocore as a pod's AWS SDK would after the webhook mutated it.

Usage: botocore_web_identity.py
Credentials come from botocore's default chain only: AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE
(set from the mutated container's environment) lead it to AssumeRoleWithWebIdentity; STS is
reached through AWS_ENDPOINT_URL_STS. Prints one JSON object with the caller identity.
"""

import json

import botocore
import botocore.session


def main():
    session = botocore.session.get_session()
    credentials = session.get_credentials()
    sts = session.create_client("sts")
    identity = sts.get_caller_identity()
    print(
        json.dumps(
            {
                "botocoreVersion": botocore.__version__,
                "method": credentials.method,
                "arn": identity["Arn"],
                "account": identity["Account"],
            }
        )
    )


if __name__ == "__main__":
    main()
