#!/usr/bin/env python3
"""Upload a folder to a bucket of a local S3 server (moto), keys
PREFIX + the path relative to the folder; create the bucket first.

    python bench/s3_upload.py ENDPOINT BUCKET DIR PREFIX

Run it with the Python of the virtual environment that holds moto
(`.ci/run` makes it): boto3 comes with moto. Regular files only; symlinks
to files are uploaded as their targets, dangling ones left out. Credentials
are moto's dummies unless AWS_ACCESS_KEY_ID is set.
"""

import os
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3


def main():
    endpoint, bucket, root, prefix = sys.argv[1:5]
    host = endpoint.split("//", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
    if host not in ("127.0.0.1", "localhost", "[::1]"):
        sys.exit("s3_upload.py: the endpoint must be on loopback")
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
    )
    try:
        s3.create_bucket(Bucket=bucket)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    files = []
    for d, _dirs, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p):
                files.append(p)
    def put(p):
        key = prefix + os.path.relpath(p, root).replace(os.sep, "/")
        s3.upload_file(p, bucket, key)
    with ThreadPoolExecutor(8) as ex:
        list(ex.map(put, files))
    print(len(files))


if __name__ == "__main__":
    main()
