module example.com/pid

go 1.21
