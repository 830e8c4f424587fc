"""Start the benchlens bundled in the extension: `python -I serve.py serve`.

The extension starts this with the user's Python in isolated mode (`-I`: no
current directory, PYTHONPATH or user site on `sys.path`, so nothing in the
workspace can shadow a module). The bundled pure-Python libraries are in
`../libs`; the compiled tree-sitter binding is built per CPython minor version,
so each supported version has its own folder `../abi/cpXY`.
"""

import os
import sys

MINIMUM = (3, 11)
#: Exit status that tells the extension this Python cannot run the bundled copy.
UNSUPPORTED = 3


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    bundled = os.path.dirname(here)
    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    abi = os.path.join(bundled, "abi", tag)
    found = sys.version_info[:2]
    if found < MINIMUM:
        print(
            f"benchlens: Python {found[0]}.{found[1]} is too old; 3.11 or newer is needed",
            file=sys.stderr,
        )
        return UNSUPPORTED
    if not os.path.isdir(abi):
        have = sorted(os.listdir(os.path.join(bundled, "abi")))
        print(
            f"benchlens: the bundled copy has no tree-sitter build for Python "
            f"{found[0]}.{found[1]} (it has {', '.join(have)})",
            file=sys.stderr,
        )
        return UNSUPPORTED
    sys.path[0:0] = [abi, os.path.join(bundled, "libs")]
    from benchlens.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
