from bench.pages.run import main

main()
