"""The models of the statements app."""

from .models_accessibility import *  # noqa: F403
