module example.com/quotemeta

go 1.21
