"""`podpipe deploy`: the built site sent to where listeners get it, incrementally.

files.py the site's files (hash, order, Content-Type, Cache-Control); record.py what a
target holds; target.py the target protocol and the plan; one module per kind of
target (folder, rsync, git, s3); run.py one deploy, in order.
"""

from podpipe.deploy.files import SiteFile, cache_control, content_type, rank, site_files
from podpipe.deploy.record import Record, record_file
from podpipe.deploy.run import KINDS, DeployResult, deploy
from podpipe.deploy.s3 import CORS_RULE
from podpipe.deploy.target import Change, Plan, Target, plan

__all__ = [
    "CORS_RULE",
    "KINDS",
    "Change",
    "DeployResult",
    "Plan",
    "Record",
    "SiteFile",
    "Target",
    "cache_control",
    "content_type",
    "deploy",
    "plan",
    "rank",
    "record_file",
    "site_files",
]
