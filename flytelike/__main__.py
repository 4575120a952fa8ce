"""``python -m flytelike``: the command line."""

from flytelike.cli import main

if __name__ == "__main__":
    main()
