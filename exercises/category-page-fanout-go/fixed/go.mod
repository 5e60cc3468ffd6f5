module example.test/shelfpage

go 1.19
