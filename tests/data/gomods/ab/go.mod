module example.com/ab

go 1.21
