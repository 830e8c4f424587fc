module example.com/alpha // the first module

go 1.22
