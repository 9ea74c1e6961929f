"""Calls the STS emulator with botocore, as the Python SDKs and the AWS CLI do.

Usage: botocore_assume_role.py ENDPOINT_URL ROLE_ARN
Bootstrap credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; a web identity token
from PODIUM_TEST_WEB_IDENTITY_TOKEN. Prints one JSON object with what each call returned.
"""

import json
import os
import sys

import botocore
import botocore.session
from botocore.config import Config


def main(endpoint_url, role_arn):
    session = botocore.session.get_session()
    no_retries = Config(retries={"max_attempts": 1, "mode": "standard"})

    def sts(**credentials):
        return session.create_client(
            "sts",
            region_name="us-east-1",
            endpoint_url=endpoint_url,
            config=no_retries,
            **credentials,
        )

    bootstrap = sts(
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
    )
    assumed = bootstrap.assume_role(
        RoleArn=role_arn, RoleSessionName="botocore-it", DurationSeconds=900
    )
    credentials = assumed["Credentials"]
    identity = sts(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    ).get_caller_identity()

    web = bootstrap.assume_role_with_web_identity(
        RoleArn=role_arn,
        RoleSessionName="botocore-web",
        WebIdentityToken=os.environ["PODIUM_TEST_WEB_IDENTITY_TOKEN"],
    )

    print(
        json.dumps(
            {
                "botocoreVersion": botocore.__version__,
                "assumedRoleArn": assumed["AssumedRoleUser"]["Arn"],
                "expiration": credentials["Expiration"].isoformat(),
                "callerArn": identity["Arn"],
                "callerAccount": identity["Account"],
                "webIdentitySubject": web["SubjectFromWebIdentityToken"],
                "webIdentityArn": web["AssumedRoleUser"]["Arn"],
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
