from podpipe.cli import main

main()
