"""S3-compatible object storage (AWS S3, Cloudflare R2, Backblaze B2, MinIO) via boto3.

Credentials come from boto3's standard chain (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/credentials, an instance role), never from
show.yaml. Every object gets the Content-Type and Cache-Control of its kind
(:mod:`podpipe.deploy.files`), and the bucket a CORS rule that lets web players on
other sites fetch the transcripts and chapters (and seek in the MP3s).

boto3 is an optional extra (``pip install 'podpipe[s3]'``), imported only here, only
when an S3 target is used.
"""

from __future__ import annotations

from collections.abc import Iterator

from podpipe.deploy.files import SiteFile
from podpipe.deploy.target import Target
from podpipe.errors import DeployError

CORS_RULE = {
    "AllowedOrigins": ["*"],
    "AllowedMethods": ["GET", "HEAD"],
    "AllowedHeaders": ["*"],  # Range, for players that seek
    "ExposeHeaders": ["Content-Length", "Content-Range", "Accept-Ranges", "ETag"],
    "MaxAgeSeconds": 86400,
}
NO_CREDENTIALS = (
    "no credentials for {label}: podpipe reads them from the standard AWS chain, never from "
    "show.yaml. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (for R2 or B2: the "
    "S3 API token's key id and secret), or AWS_PROFILE with ~/.aws/credentials"
)
DELETE_BATCH = 1000  # the most objects one DeleteObjects request takes


class S3Target(Target):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = None

    @property
    def bucket(self) -> str:
        return self.target.location

    def key(self, path: str) -> str:
        return self.target.prefix + path

    def connect(self) -> None:
        try:
            import boto3
            from botocore.config import Config
        except ImportError:
            raise DeployError(
                f"deploying to {self.label} needs boto3, which is not installed: "
                "pip install 'podpipe[s3]'"
            ) from None
        session = boto3.session.Session(region_name=self.settings.region)
        if session.get_credentials() is None:
            raise DeployError(NO_CREDENTIALS.format(label=self.label))
        config = Config(
            connect_timeout=10, read_timeout=120, retries={"max_attempts": 3, "mode": "standard"}
        )
        self.client = session.client("s3", endpoint_url=self.settings.endpoint_url, config=config)
        self._call("reach", self.client.head_bucket, Bucket=self.bucket)
        if self.settings.cors:
            self._set_cors()

    def _set_cors(self) -> None:
        from botocore.exceptions import ClientError

        try:
            self.client.put_bucket_cors(
                Bucket=self.bucket, CORSConfiguration={"CORSRules": [CORS_RULE]}
            )
        except ClientError as e:
            # Some stores or tokens do not allow it: the site works, web players may not.
            self.warnings.append(
                f"could not set the CORS rule of bucket {self.bucket} ({error_code(e)}): "
                "allow GET and HEAD from any origin in the bucket's settings, so web "
                "players can load transcripts and chapters (or set deploy.cors: false)"
            )

    def send(self, files: list[SiteFile]) -> Iterator[SiteFile]:
        for f in files:
            extra = {"ContentType": f.content_type, "CacheControl": f.cache_control}
            self._call(
                f"upload {f.path}",
                self.client.upload_file,
                str(f.file),
                self.bucket,
                self.key(f.path),
                ExtraArgs=extra,
            )
            yield f

    def remove(self, paths: list[str]) -> Iterator[str]:
        for i in range(0, len(paths), DELETE_BATCH):
            batch = paths[i : i + DELETE_BATCH]
            objects = [{"Key": self.key(p)} for p in batch]
            answer = self._call(
                "remove files",
                self.client.delete_objects,
                Bucket=self.bucket,
                Delete={"Objects": objects, "Quiet": True},
            )
            failed = {e["Key"]: e.get("Code", "") for e in answer.get("Errors", [])}
            yield from (p for p in batch if self.key(p) not in failed)
            if failed:
                key, code = next(iter(failed.items()))
                raise DeployError(f"{self.label}: could not remove {key} ({code})")

    def _call(self, doing: str, fn, *args, **kwargs):
        """A boto3 call with its failures said plainly (DeployError, never a traceback)."""
        from boto3.exceptions import S3UploadFailedError
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            EndpointConnectionError,
            NoCredentialsError,
        )

        where = self.settings.endpoint_url or "AWS S3"
        try:
            return fn(*args, **kwargs)
        except NoCredentialsError:
            raise DeployError(NO_CREDENTIALS.format(label=self.label)) from None
        except EndpointConnectionError as e:
            raise DeployError(
                f"cannot reach {where} for {self.label}: {e}. Check deploy.endpoint_url "
                "and the network"
            ) from None
        except ClientError as e:
            raise DeployError(self._refused(doing, error_code(e), where)) from None
        except S3UploadFailedError as e:
            raise DeployError(f"{self.label}: could not {doing}: {e}") from None
        except BotoCoreError as e:
            raise DeployError(f"{self.label}: could not {doing}: {e}") from None

    def _refused(self, doing: str, code: str, where: str) -> str:
        if code in ("404", "NoSuchBucket"):
            return f"there is no bucket {self.bucket} at {where}: create it first"
        if code in ("403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
            return (
                f"{where} refused the credentials for bucket {self.bucket} ({code}): check "
                "the key id and secret, and that they may list, write and delete objects "
                "in the bucket"
            )
        return f"{self.label}: could not {doing} ({code})"


def error_code(err) -> str:
    return str(err.response.get("Error", {}).get("Code") or err)
