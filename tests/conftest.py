"""Suite-wide settings."""

import os

# Every build-memo hit is checked against the stage identities (pipeline/memo.py): any
# test that changes an input the memo misses fails, wherever it is.
os.environ.setdefault("PODPIPE_CHECK_MEMO", "1")
