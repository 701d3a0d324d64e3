"""Assisted digital: community digital technology teams helping citizens at the village hall."""
