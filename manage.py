#!/usr/bin/env python
from vadesk.cli import main

if __name__ == "__main__":
    main()
