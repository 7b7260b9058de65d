[ ''single'' ''  leading spaces kept'' '' x '' ]
