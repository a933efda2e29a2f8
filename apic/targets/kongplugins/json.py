"""The JSON values Kong plugin configurations are made of."""

from typing import Any

Json = Any
