"""``python -m salesnb``: the command line."""

from salesnb.cli import main

if __name__ == "__main__":
    main()
