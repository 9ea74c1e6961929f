"""Drives botocore's own IMDS client against a Podium metadata server on loopback.

Usage: botocore_imds.py MODE BASE_URL
  fetcher  InstanceMetadataFetcher(timeout=1, num_attempts=1).retrieve_iam_role_credentials()
  session  a botocore session's default credential chain (AWS_EC2_METADATA_SERVICE_ENDPOINT set)
  restart  fetch credentials, print READY, wait for a line on stdin (the server restarts), then
           present the old token once and fetch credentials again

Prints one JSON object per result on stdout. Secrets are printed only as SHA-256 digests.
"""

import hashlib
import json
import sys

import botocore.session
import botocore.utils


def digest(value):
    return hashlib.sha256(value.encode("utf-8")).hexdigest() if value else None


def report(**fields):
    print(json.dumps(fields), flush=True)


def fetched(credentials):
    if not credentials:
        return {"ok": False}
    return {
        "ok": True,
        "role": credentials["role_name"],
        "access_key": credentials["access_key"],
        "secret_sha256": digest(credentials["secret_key"]),
        "token_sha256": digest(credentials["token"]),
        "expiry": credentials["expiry_time"],
    }


def new_fetcher(base_url):
    return botocore.utils.InstanceMetadataFetcher(timeout=1, num_attempts=1, base_url=base_url)


def main():
    mode, base_url = sys.argv[1], sys.argv[2]
    if mode == "fetcher":
        fetcher = new_fetcher(base_url)
        report(imdsv2=fetcher._fetch_metadata_token() is not None, **fetched(fetcher.retrieve_iam_role_credentials()))
    elif mode == "session":
        session = botocore.session.get_session()
        credentials = session.get_credentials()
        if credentials is None:
            report(ok=False)
            return
        frozen = credentials.get_frozen_credentials()
        report(
            ok=True,
            method=credentials.method,
            access_key=frozen.access_key,
            secret_sha256=digest(frozen.secret_key),
            token_sha256=digest(frozen.token),
        )
    elif mode == "restart":
        fetcher = new_fetcher(base_url)
        old_token = fetcher._fetch_metadata_token()
        report(step="before", **fetched(fetcher.retrieve_iam_role_credentials()))
        print("READY", flush=True)
        sys.stdin.readline()
        try:
            fetcher._get_iam_role(old_token)
            report(step="old-token", refused=False)
        except botocore.utils._RetriesExceededError:
            report(step="old-token", refused=True)
        report(step="after", **fetched(fetcher.retrieve_iam_role_credentials()))
    else:
        raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    main()
