"""`python build.py` is `rkg build`: build the graph from corpus/ into out/."""

import sys

from graph.cli import main

if __name__ == "__main__":
    sys.argv[1:1] = ["build"]
    main()
