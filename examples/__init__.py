"""Examples of flytelike workflows (run them, or compile them with ``flytelike compile``)."""
