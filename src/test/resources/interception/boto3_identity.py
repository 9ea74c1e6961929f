"""boto3 as a pod runs it: the default credential chain, which finds nothing in the environment or
files and asks the instance metadata service at its default address; then GetCallerIdentity
against the STS endpoint given as the only argument.

Prints one JSON line with the ARN, the access key id and the provider botocore used; never a
secret.
"""

import json
import sys

import boto3


def main():
    session = boto3.Session()
    credentials = session.get_credentials()
    if credentials is None:
        print("no credentials found", file=sys.stderr)
        return 1
    sts = session.client("sts", endpoint_url=sys.argv[1])
    identity = sts.get_caller_identity()
    print(json.dumps({
        "arn": identity["Arn"],
        "accessKeyId": credentials.access_key,
        "method": credentials.method,
    }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
