"""`python -m graph ...` is `rkg ...` (for environments where the script is not on PATH)."""

from graph.cli import main

if __name__ == "__main__":
    main()
